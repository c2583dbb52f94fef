package org.bankapi.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Runs every query the code under test prepares a second time as {@code EXPLAIN (ANALYZE, BUFFERS)}
 * with the very same SQL and parameters, on the same connection, and keeps the plans: the EXPLAIN
 * tests look at the statements the service really sends, not at copies of them.
 */
public final class ExplainingDataSource {

    /** One statement as sent, with its plan as PostgreSQL executed it. */
    public record Explained(String sql, String plan) {

        /** "Execution Time: 0.123 ms" of the plan, in ms. */
        public double executionMs() {
            return plan.lines()
                    .filter(l -> l.contains("Execution Time:"))
                    .findFirst()
                    .map(l -> Double.parseDouble(l.replaceAll(".*Execution Time: ([0-9.]+) ms.*", "$1")))
                    .orElse(-1.0);
        }
    }

    private final List<Explained> explained = new CopyOnWriteArrayList<>();
    private final DataSource dataSource;

    public ExplainingDataSource(DataSource target) {
        this.dataSource = wrap(DataSource.class, target);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The plans recorded since the last call, oldest first. */
    public List<Explained> drain() {
        List<Explained> all = List.copyOf(explained);
        explained.clear();
        return all;
    }

    private record Setter(Method method, Object[] args) {}

    @SuppressWarnings("unchecked")
    private <T> T wrap(Class<T> type, T target) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            Object result = invoke(method, target, args);
            if (result instanceof Connection c && type == DataSource.class) {
                return wrap(Connection.class, c);
            }
            if (type == Connection.class
                    && result instanceof PreparedStatement ps
                    && method.getName().equals("prepareStatement")
                    && args[0] instanceof String sql
                    && sql.stripLeading().toUpperCase().startsWith("SELECT")) {
                return explaining((Connection) target, ps, sql);
            }
            return result;
        });
    }

    private PreparedStatement explaining(Connection connection, PreparedStatement target, String sql) {
        List<Setter> setters = new ArrayList<>();
        return (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (self, method, args) -> {
                    if (method.getName().startsWith("set")
                            && args != null
                            && args.length >= 2
                            && args[0] instanceof Integer) {
                        setters.add(new Setter(method, args));
                    }
                    if (method.getName().equals("executeQuery") && (args == null || args.length == 0)) {
                        try (PreparedStatement explain =
                                connection.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                            for (Setter setter : setters) {
                                invoke(setter.method(), explain, setter.args());
                            }
                            StringBuilder plan = new StringBuilder();
                            try (ResultSet rs = explain.executeQuery()) {
                                while (rs.next()) {
                                    plan.append(rs.getString(1)).append('\n');
                                }
                            }
                            explained.add(new Explained(sql, plan.toString()));
                        }
                    }
                    return invoke(method, target, args);
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
