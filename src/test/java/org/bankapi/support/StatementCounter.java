package org.bankapi.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.bankapi.observability.LogFields;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Records, per request id (the MDC's {@code http.request.id}, when it starts with {@code count-}),
 * every SQL statement the service sends to the real database, by wrapping the application's
 * DataSource: lets a test ask how many queries one HTTP request cost.
 */
public final class StatementCounter {

    public static final String REQUEST_ID_PREFIX = "count-";
    private static final Map<String, List<String>> BY_REQUEST = new ConcurrentHashMap<>();

    private StatementCounter() {}

    /** The statements executed while serving the request with this X-Request-Id. */
    public static List<String> statementsOf(String requestId) {
        return List.copyOf(BY_REQUEST.getOrDefault(requestId, List.of()));
    }

    private static void record(String sql) {
        String requestId = LogFields.requestId();
        if (requestId != null && requestId.startsWith(REQUEST_ID_PREFIX)) {
            BY_REQUEST
                    .computeIfAbsent(requestId, id -> new CopyOnWriteArrayList<>())
                    .add(sql);
        }
    }

    /** Wraps the DataSource bean; imported by the test base, so its shared context stays one. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Wrapping {

        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && "dataSource".equals(name) ? counting(ds) : bean;
                }
            };
        }
    }

    static DataSource counting(DataSource target) {
        return wrap(DataSource.class, target, null);
    }

    @SuppressWarnings("unchecked")
    private static <T> T wrap(Class<T> type, T target, String preparedSql) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (type != DataSource.class
                    && type != Connection.class
                    && method.getName().startsWith("execute")) {
                record(preparedSql != null ? preparedSql : String.valueOf(args == null ? "?" : args[0]));
            }
            Object result = invoke(method, target, args);
            if (result instanceof Connection c && type == DataSource.class) {
                return wrap(Connection.class, c, null);
            }
            if (type == Connection.class
                    && result instanceof Statement
                    && Statement.class.isAssignableFrom(method.getReturnType())) {
                String sql = result instanceof PreparedStatement && args != null && args[0] instanceof String text
                        ? text
                        : null;
                return wrap((Class<Object>) method.getReturnType(), result, sql);
            }
            return result;
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
