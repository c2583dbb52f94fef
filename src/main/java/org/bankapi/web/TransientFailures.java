package org.bankapi.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * The one place that decides whether a failure means "the database went away, restarted, failed
 * over or timed out": such a request applied nothing (or, for a commit whose answer was lost, is
 * settled by retrying with its Idempotency-Key) and answers 503 with Retry-After, never 500.
 */
public final class TransientFailures {

    /** Seconds a client should wait before retrying a 503 {@code temporarily_unavailable}. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final int CAUSE_DEPTH_MAX = 32;
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of(
            "57P01", // admin_shutdown: the server is stopping or the backend was terminated
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now: starting up, shutting down, in recovery
            "57P05", // idle_session_timeout
            "57014", // query_canceled: statement_timeout
            "55P03", // lock_not_available: lock_timeout
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "40003", // statement_completion_unknown
            "25006", // read_only_sql_transaction: connected to a former primary being demoted
            "25P03", // idle_in_transaction_session_timeout
            "53300", // too_many_connections
            "HYT00", // timeout (JDBC)
            "HYT01"); // connection timeout (JDBC)
    private static final Set<String> CONFLICT_SQL_STATES = Set.of("40001", "40P01");
    private static final Set<String> TRANSIENT_MESSAGES = Set.of(
            "JDBC rollback failed",
            "Commit exception overridden by rollback exception",
            "This connection has been closed.");

    private TransientFailures() {}

    /**
     * True when {@code failure}, or anything in its cause chain (including the application exception a
     * {@link TransactionSystemException} carries and suppressed exceptions), is a transient database failure.
     */
    public static boolean isTransient(Throwable failure) {
        return anyInChain(
                failure, TransientFailures::isTransientItself, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    /**
     * A one-line description for logs without statement text or values: the failure's class, its
     * innermost cause's class and the first SQLState in the chain, e.g.
     * {@code TransactionSystemException <- PSQLException [08006]}.
     */
    public static String summary(Throwable failure) {
        Throwable root = failure;
        String state = null;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < CAUSE_DEPTH_MAX; depth++) {
            if (state == null && root instanceof SQLException sql) {
                state = sql.getSQLState();
            }
            root = root.getCause();
        }
        if (state == null && root instanceof SQLException sql) {
            state = sql.getSQLState();
        }
        String text = failure.getClass().getSimpleName();
        if (root != failure) {
            text += " <- " + root.getClass().getSimpleName();
        }
        return state == null ? text : text + " [" + state + "]";
    }

    /**
     * True when {@code failure} or anything in its cause chain is a deadlock or a serialization failure:
     * a conflict with another transaction, which the same work tried again can get past.
     */
    public static boolean isConflict(Throwable failure) {
        return anyInChain(
                failure,
                f -> f instanceof SQLException sql
                        && sql.getSQLState() != null
                        && CONFLICT_SQL_STATES.contains(sql.getSQLState()),
                Collections.newSetFromMap(new IdentityHashMap<>()),
                0);
    }

    private static boolean anyInChain(Throwable failure, Predicate<Throwable> test, Set<Throwable> seen, int depth) {
        if (failure == null || depth > CAUSE_DEPTH_MAX || !seen.add(failure)) {
            return false;
        }
        if (test.test(failure)) {
            return true;
        }
        if (failure instanceof TransactionSystemException system
                && anyInChain(system.getApplicationException(), test, seen, depth + 1)) {
            return true;
        }
        if (failure instanceof SQLException sql && anyInChain(sql.getNextException(), test, seen, depth + 1)) {
            return true;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (anyInChain(suppressed, test, seen, depth + 1)) {
                return true;
            }
        }
        return anyInChain(failure.getCause(), test, seen, depth + 1);
    }

    private static boolean isTransientItself(Throwable failure) {
        if (failure
                        instanceof
                        TransientDataAccessException // QueryTimeout, PessimisticLocking, TransientDataAccessResource
                || failure instanceof RecoverableDataAccessException
                || failure instanceof DataAccessResourceFailureException // includes CannotGetJdbcConnectionException
                || failure instanceof CannotCreateTransactionException
                || failure instanceof TransactionTimedOutException
                || failure instanceof SQLTransientException // Hikari's pool timeout, SQLTimeoutException
                || failure instanceof SQLRecoverableException) {
            return true;
        }
        if (failure instanceof SQLNonTransientConnectionException) {
            return true;
        }
        if (failure instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            if (state.startsWith("08") || TRANSIENT_SQL_STATES.contains(state)) {
                return true;
            }
        }
        String message = failure.getMessage();
        return (failure instanceof TransactionSystemException || failure instanceof SQLException)
                && message != null
                && TRANSIENT_MESSAGES.contains(message);
    }
}
