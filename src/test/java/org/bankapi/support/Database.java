package org.bankapi.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
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
}
