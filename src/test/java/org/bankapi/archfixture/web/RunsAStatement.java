package org.bankapi.archfixture.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Breaks the SQL-runners rule: runs a statement outside the tables' owners, although it names no table. */
public class RunsAStatement {

    public void ping(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }
}
