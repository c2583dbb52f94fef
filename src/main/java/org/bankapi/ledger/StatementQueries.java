package org.bankapi.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Reads of one account's ledger entries in time order, through ledger_entries_account_time_idx:
 * a window is one index range (keyset on created_at, id), a balance at an instant one backward step
 * to the last entry before it, whose balance_after is the answer.
 */
@Service
public class StatementQueries {

    /** Rows the CSV export asks the driver for at a time, so a year's history never sits in memory. */
    static final int CSV_FETCH_ROWS = 500;

    static final String ENTRIES = """
            SELECT e.id, e.transaction_id, t.type, e.amount_minor, e.balance_after, t.description, e.created_at
              FROM ledger_entries e
              JOIN transactions t ON t.id = e.transaction_id AND t.created_at = e.created_at
             WHERE e.account_id = :account AND e.created_at >= :from AND e.created_at < :to""";

    /** The keyset condition of a next page: after the (created_at, id) of the last entry shown. */
    static final String AFTER_CURSOR = " AND (e.created_at, e.id) > (SELECT c.created_at, c.id FROM ledger_entries c"
            + " WHERE c.id = :after AND c.account_id = :account)";

    static final String BALANCE_BEFORE = """
            SELECT balance_after FROM ledger_entries
             WHERE account_id = :account AND created_at < :instant
             ORDER BY created_at DESC, id DESC LIMIT 1""";

    private final JdbcClient jdbc;

    StatementQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record AccountHeader(Currency currency, Instant createdAt) {}

    public Optional<AccountHeader> header(long accountId) {
        return jdbc.sql("SELECT currency, created_at FROM accounts WHERE id = :id AND kind = 'customer'")
                .param("id", accountId)
                .query((rs, n) -> new AccountHeader(
                        Currency.getInstance(rs.getString(1)),
                        rs.getTimestamp(2).toInstant()))
                .optional();
    }

    /** The balance after the last entry booked strictly before {@code instant} (0 without one). */
    public long balanceBefore(long accountId, Instant instant) {
        return jdbc.sql(BALANCE_BEFORE)
                .param("account", accountId)
                .param("instant", Timestamp.from(instant))
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    /** One page of the window's entries, oldest first, after the entry {@code afterEntryId} when given. */
    public List<StatementEntry> page(long accountId, Instant from, Instant to, Long afterEntryId, int limit) {
        String after = afterEntryId == null ? "" : AFTER_CURSOR;
        var spec = jdbc.sql(ENTRIES + after + " ORDER BY e.created_at, e.id LIMIT :limit")
                .param("account", accountId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .param("limit", limit);
        if (afterEntryId != null) {
            spec = spec.param("after", afterEntryId);
        }
        return spec.query(StatementQueries::entry).list();
    }

    /**
     * Every entry of the window, oldest first, fetched {@value #CSV_FETCH_ROWS} rows at a time. The
     * caller consumes and closes the stream inside a transaction (PostgreSQL keeps a cursor only there).
     */
    public Stream<StatementEntry> stream(long accountId, Instant from, Instant to) {
        return jdbc
                .sql(ENTRIES + " ORDER BY e.created_at, e.id")
                .withFetchSize(CSV_FETCH_ROWS)
                .param("account", accountId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query(StatementQueries::entry)
                .stream();
    }

    private static StatementEntry entry(ResultSet rs, int n) throws SQLException {
        return new StatementEntry(
                rs.getLong("id"),
                rs.getLong("transaction_id"),
                rs.getString("type"),
                rs.getLong("amount_minor"),
                rs.getLong("balance_after"),
                rs.getString("description"),
                rs.getTimestamp("created_at").toInstant());
    }
}
