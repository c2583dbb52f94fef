package org.bankapi.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** Direct SQL on the test database, as an auditor or a superuser would read it, bypassing the service. */
public final class Database {

    private Database() {}

    public static JdbcClient superuser() {
        return JdbcClient.create(dataSource());
    }

    public static DataSource dataSource() {
        return new SingleConnectionDataSource(EmbeddedDatabase.jdbcUrl(), true);
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(EmbeddedDatabase.jdbcUrl());
    }

    /**
     * A database of its own on the test server, with the service's schema (the Flyway migrations) and
     * {@code settings} ({@code ALTER DATABASE ... SET}, e.g. "plan_cache_mode = force_generic_plan") for
     * every session; returns its JDBC URL (user and password postgres).
     */
    public static String createMigrated(String name, String... settings) throws SQLException {
        try (Connection c = EmbeddedDatabase.get().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            for (String setting : settings) {
                s.execute("ALTER DATABASE " + name + " SET " + setting);
            }
        }
        String url = EmbeddedDatabase.get().getJdbcUrl("postgres", name);
        Flyway.configure()
                .dataSource(url, "postgres", "postgres")
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return url;
    }
}
