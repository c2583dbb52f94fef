package org.bankapi.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.bankapi.support.Database;
import org.bankapi.support.EmbeddedDatabase;
import org.bankapi.web.error.ProblemException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

/** The classifier over exceptions as the driver, the pool and Spring really throw them, most taken from a real PostgreSQL. */
class TransientFailuresTest {

    @Test
    void aTerminatedBackendIsTransient() throws Exception {
        try (Connection victim = Database.connect();
                Connection admin = Database.connect()) {
            int pid = pid(victim);
            try (Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            Throwable failure = catchThrowable(() -> victim.createStatement().execute("SELECT 1"));
            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(TransientFailures.isTransient(failure))
                    .as(failure.toString())
                    .isTrue();
            Throwable closed = catchThrowable(() -> victim.createStatement().execute("SELECT 1"));
            assertThat(((SQLException) closed).getSQLState()).startsWith("08");
            assertThat(TransientFailures.isTransient(closed)).isTrue();
        }
    }

    @Test
    void aRollbackOnADeadConnectionIsTransientAsSpringReportsIt() throws Exception {
        try (HikariDataSource pool = pool(2, 2_000)) {
            JdbcClient jdbc = JdbcClient.create(pool);
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
            Throwable failure = catchThrowable(() -> transactions.executeWithoutResult(status -> {
                int pid =
                        jdbc.sql("SELECT pg_backend_pid()").query(Integer.class).single();
                Database.superuser()
                        .sql("SELECT pg_terminate_backend(" + pid + ")")
                        .query(Boolean.class)
                        .single();
                status.setRollbackOnly();
            }));
            assertThat(failure).isInstanceOf(TransactionSystemException.class);
            assertThat(TransientFailures.isTransient(failure))
                    .as(failure.toString())
                    .isTrue();
        }
    }

    @Test
    void aStatementTimeoutAndALockTimeoutAreTransient() throws Exception {
        try (HikariDataSource pool = pool(3, 2_000)) {
            JdbcClient jdbc = JdbcClient.create(pool);
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
            Throwable timeout = catchThrowable(() -> transactions.executeWithoutResult(status -> {
                jdbc.sql("SET LOCAL statement_timeout = '50ms'").update();
                jdbc.sql("SELECT pg_sleep(1)").query().listOfRows();
            }));
            assertThat(timeout).isInstanceOf(QueryTimeoutException.class);
            assertThat(TransientFailures.isTransient(timeout)).isTrue();

            // a schema of its own: a table left in public would stop Flyway migrating the shared database
            jdbc.sql("CREATE SCHEMA IF NOT EXISTS transient_failures").update();
            jdbc.sql("CREATE TABLE IF NOT EXISTS transient_failures.probe (id int)")
                    .update();
            Throwable lock = catchThrowable(() -> transactions.executeWithoutResult(outer -> {
                jdbc.sql("LOCK TABLE transient_failures.probe IN ACCESS EXCLUSIVE MODE")
                        .update();
                TransactionTemplate inner = new TransactionTemplate(new DataSourceTransactionManager(pool));
                inner.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
                inner.executeWithoutResult(status -> {
                    jdbc.sql("SET LOCAL lock_timeout = '50ms'").update();
                    jdbc.sql("SELECT * FROM transient_failures.probe").query().listOfRows();
                });
            }));
            // Spring leaves 55P03 uncategorized here: only its SQLState says it is a lock timeout
            assertThat(lock).isInstanceOf(DataAccessException.class);
            assertThat(((DataAccessException) lock).getMostSpecificCause())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("55P03");
            assertThat(TransientFailures.isTransient(lock)).isTrue();
        }
    }

    @Test
    void anExhaustedPoolIsTransient() throws Exception {
        try (HikariDataSource pool = pool(1, 250);
                Connection held = pool.getConnection()) {
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
            Throwable failure = catchThrowable(() -> transactions.executeWithoutResult(status -> {}));
            assertThat(failure)
                    .isInstanceOf(CannotCreateTransactionException.class)
                    .hasRootCauseInstanceOf(SQLTransientConnectionException.class);
            assertThat(TransientFailures.isTransient(failure)).isTrue();
            assertThat(held.isValid(1)).isTrue();
        }
    }

    @Test
    void aRefusedConnectionIsTransient() {
        Throwable failure = catchThrowable(() -> DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + freePort() + "/postgres?connectTimeout=2", "postgres", "postgres"));
        assertThat(failure).isInstanceOf(PSQLException.class);
        assertThat(TransientFailures.isTransient(failure)).isTrue();
    }

    @Test
    void aCommitOverriddenByAFailedRollbackIsTransientThroughEitherException() {
        TransactionSystemException overridden = new TransactionSystemException(
                "Commit exception overridden by rollback exception",
                new PSQLException("This connection has been closed.", PSQLState.CONNECTION_DOES_NOT_EXIST));
        overridden.initApplicationException(
                new PSQLException("An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE));
        assertThat(TransientFailures.isTransient(overridden)).isTrue();

        TransactionSystemException onlyTheApplicationException =
                new TransactionSystemException("Could not commit JDBC transaction");
        onlyTheApplicationException.initApplicationException(
                new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(TransientFailures.isTransient(onlyTheApplicationException)).isTrue();

        assertThat(TransientFailures.isTransient(new TransactionSystemException("JDBC rollback failed")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new IllegalStateException(
                        "wrapped",
                        new RuntimeException(new SQLException("the database system is starting up", "57P03")))))
                .isTrue();
        assertThat(TransientFailures.isTransient(
                        new PSQLException("could not serialize", PSQLState.SERIALIZATION_FAILURE)))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("deadlock detected", "40P01")))
                .isTrue();
    }

    @Test
    void theSummaryNamesTheClassesAndTheSqlStateButNoStatement() {
        TransactionSystemException failure = new TransactionSystemException(
                "JDBC rollback failed",
                new PSQLException("This connection has been closed.", PSQLState.CONNECTION_DOES_NOT_EXIST));
        assertThat(TransientFailures.summary(failure)).isEqualTo("TransactionSystemException <- PSQLException [08003]");
        assertThat(TransientFailures.summary(new IllegalStateException("SELECT secret")))
                .isEqualTo("IllegalStateException");
    }

    @Test
    void aDeadlockAndASerializationFailureAreConflictsAndADeadServerIsNot() {
        assertThat(TransientFailures.isConflict(new CannotAcquireLockException(
                        "deadlock", new PSQLException("deadlock detected", PSQLState.DEADLOCK_DETECTED))))
                .isTrue();
        assertThat(TransientFailures.isConflict(new TransactionSystemException(
                        "commit", new PSQLException("could not serialize", PSQLState.SERIALIZATION_FAILURE))))
                .isTrue();
        assertThat(TransientFailures.isConflict(
                        new PSQLException("An I/O error occurred", PSQLState.CONNECTION_FAILURE)))
                .isFalse();
        assertThat(TransientFailures.isConflict(new IllegalStateException("a bug")))
                .isFalse();
        // the driver leaves the state out of some of its own failures
        assertThat(TransientFailures.isConflict(new IllegalStateException(new SQLException("no state"))))
                .isFalse();
    }

    @Test
    void bugsAndRefusalsAreNotTransient() {
        JdbcClient jdbc = Database.superuser();
        Throwable grammar = catchThrowable(
                () -> jdbc.sql("SELECT * FROM no_such_table_here").query().listOfRows());
        assertThat(grammar).isInstanceOf(BadSqlGrammarException.class);
        assertThat(TransientFailures.isTransient(grammar)).isFalse();
        // a temporary table, created and violated in one call on one connection: nothing left in public
        Throwable duplicate = catchThrowable(
                () -> jdbc.sql("CREATE TEMP TABLE IF NOT EXISTS transient_failures_unique (id int PRIMARY KEY);"
                                + " INSERT INTO transient_failures_unique VALUES (1), (1)")
                        .update());
        assertThat(duplicate).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(TransientFailures.isTransient(duplicate)).isFalse();

        assertThat(TransientFailures.isTransient(new IllegalStateException("a bug")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new ProblemException(409, "insufficient_funds", "no")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new TransactionSystemException(
                        "Could not commit JDBC transaction", new SQLException("division by zero", "22012"))))
                .isFalse();
        assertThat(TransientFailures.isTransient(null)).isFalse();
        RuntimeException cycle = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", cycle);
        cycle.initCause(other);
        assertThat(TransientFailures.isTransient(cycle)).isFalse();
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static HikariDataSource pool(int size, long connectionTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(EmbeddedDatabase.jdbcUrl());
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(connectionTimeoutMs);
        return new HikariDataSource(config);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
