package org.bankapi.event;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance's relay is the active one: a session-level advisory lock held for as long as the relay
 * runs, so that relays of several instances do not take turns and fence each other. docs/events.md,
 * "One relay at a time with several instances".
 */
class RelayLease {

    static final long LEASE_KEY = 0x6f7574626f79L;
    /** How often a relay without the lease tries to take it. */
    static final Duration RETRY = Duration.ofSeconds(1);
    /** How often the holder checks that its connection, and so the lock, is still alive. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RelayLease.class);

    private final DataSource dataSource;
    private Connection held;
    private long checkedAtNanos;

    RelayLease(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** True when this relay holds the lease (taking it if it is free); false when another does or the database is away. */
    synchronized boolean hold() {
        if (held != null) {
            if (System.nanoTime() - checkedAtNanos < CHECK_INTERVAL.toNanos()) {
                return true;
            }
            try {
                if (held.isValid(2)) {
                    checkedAtNanos = System.nanoTime();
                    return true;
                }
            } catch (SQLException e) {
                // fall through: the connection, and with it the lock, is gone
            }
            log.info("Outbox relay lost its lease (its database connection closed)");
            release();
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT pg_try_advisory_lock(" + LEASE_KEY + ")")) {
                if (result.next() && result.getBoolean(1)) {
                    held = connection;
                    checkedAtNanos = System.nanoTime();
                    log.info("Outbox relay holds the lease: this instance publishes the outbox");
                    return true;
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Could not take the outbox relay lease: {}", e.toString());
        }
        closeQuietly(connection);
        return false;
    }

    /** Gives the lease up (closing the connection frees the lock). */
    synchronized void release() {
        if (held != null) {
            try (Statement statement = held.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + LEASE_KEY + ")");
            } catch (SQLException | RuntimeException ignored) {
                // a dead connection holds no lock
            }
            closeQuietly(held);
            held = null;
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // returned to the pool or already gone
            }
        }
    }
}
