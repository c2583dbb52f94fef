package org.bankapi.ledger;

import static org.bankapi.db.SqlArrays.bigints;
import static org.bankapi.db.SqlArrays.byteas;
import static org.bankapi.db.SqlArrays.texts;
import static org.bankapi.db.SqlArrays.timestamps;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import org.bankapi.crypto.SealedPersonalData;
import org.bankapi.crypto.StoredDataKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * SQL of the accounts table for the account feature (opening, reading, listing, closing customer
 * accounts); balances are written only by the posting path. A read of accounts brings each account's
 * data_keys row along (a join on its primary key, as crypto's {@link StoredDataKey} words it), so
 * showing an account or a page of them is one query: the vault needs no lookup of its own.
 */
@Service
public class AccountRecords {

    private static final String COLUMNS =
            "id, owner_id, holder_name, email, currency, balance_minor, held_minor, status, created_at";
    /** The row's pending holds not yet expired at :now, in the row's own statement (so of the same snapshot). */
    private static final String ACTIVE_HELD = """
            CASE WHEN a.held_minor = 0 THEN 0 ELSE (SELECT coalesce(sum(h.amount_minor), 0) FROM holds AS h
                  WHERE h.account_id = a.id AND h.status = 'pending' AND h.expires_at > :now) END AS active_held_minor""";
    /** The account columns of {@code a}, its pending holds and its data key's of {@code k}: what {@link #row} reads. */
    private static final String ROW = "a.id, a.owner_id, a.holder_name, a.email, a.currency, a.balance_minor,"
            + " a.status, a.created_at, " + ACTIVE_HELD + ", " + StoredDataKey.columns("k");

    private static final String WITH_DATA_KEY = StoredDataKey.lateralJoin("a.id", "k");

    private final JdbcClient jdbc;
    private final Clock clock;

    AccountRecords(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A customer account to insert, its personal data already sealed with its own data key. */
    public record NewAccount(
            long id, String ownerId, SealedPersonalData personalData, Currency currency, Instant createdAt) {}

    /** Inserts the accounts with one statement. */
    public void insertAll(List<NewAccount> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int inserted = jdbc.sql("""
                INSERT INTO accounts (id, kind, owner_id, holder_name, email, currency, created_at)
                SELECT v.id, 'customer', v.owner, v.holder_name, v.email, v.currency, v.created_at
                  FROM unnest(:ids, :owners, :holderNames, :emails, :currencies, :createdAt)
                       AS v(id, owner, holder_name, email, currency, created_at)""")
                .param("ids", bigints(rows.stream().mapToLong(NewAccount::id).toArray()))
                .param("owners", texts(rows.stream().map(NewAccount::ownerId).toArray(String[]::new)))
                .param(
                        "holderNames",
                        byteas(rows.stream()
                                .map(r -> r.personalData().holderName())
                                .toArray(byte[][]::new)))
                .param(
                        "emails",
                        byteas(rows.stream().map(r -> r.personalData().email()).toArray(byte[][]::new)))
                .param(
                        "currencies",
                        texts(rows.stream()
                                .map(r -> r.currency().getCurrencyCode())
                                .toArray(String[]::new)))
                .param(
                        "createdAt",
                        timestamps(rows.stream().map(NewAccount::createdAt).toArray(Instant[]::new)))
                .update();
        if (inserted != rows.size()) {
            throw new IllegalStateException("inserted " + inserted + " of " + rows.size() + " accounts");
        }
    }

    public Optional<AccountRow> find(long id) {
        return jdbc.sql("SELECT " + ROW + " FROM accounts a" + WITH_DATA_KEY
                        + " WHERE a.id = :id AND a.kind = 'customer'")
                .param("id", id)
                .param("now", Timestamp.from(clock.instant()))
                .query(AccountRecords::row)
                .optional();
    }

    public List<AccountRow> page(String owner, Long afterId, int limit) {
        String where = (owner == null ? "a.kind = 'customer'" : "a.owner_id = :owner AND a.kind = 'customer'")
                + (afterId == null ? "" : " AND a.id > :after");
        var spec = jdbc.sql("SELECT " + ROW + " FROM accounts a" + WITH_DATA_KEY + " WHERE " + where
                        + " ORDER BY a.id LIMIT :limit")
                .param("limit", limit)
                .param("now", Timestamp.from(clock.instant()));
        if (owner != null) {
            spec = spec.param("owner", owner);
        }
        if (afterId != null) {
            spec = spec.param("after", afterId);
        }
        return spec.query(AccountRecords::row).list();
    }

    /** The owner of a customer account, for visibility checks: no personal data is read. */
    public Optional<String> ownerOf(long id) {
        return jdbc.sql("SELECT owner_id FROM accounts WHERE id = :id AND kind = 'customer'")
                .param("id", id)
                .query(String.class)
                .optional();
    }

    public List<Long> idsOwnedBy(String owner) {
        return jdbc.sql("SELECT id FROM accounts WHERE owner_id = :owner AND kind = 'customer'")
                .param("owner", owner)
                .query(Long.class)
                .list();
    }

    /** Closes an open, empty account under its row lock; empty when some condition did not hold. */
    public Optional<AccountRow> closeIfEmpty(long id, Instant now) {
        return jdbc.sql("WITH a AS (UPDATE accounts SET status = 'closed', closed_at = :now"
                        + " WHERE id = :id AND kind = 'customer' AND status = 'open' AND balance_minor = 0 RETURNING "
                        + COLUMNS + ")"
                        + " SELECT " + ROW + " FROM a" + WITH_DATA_KEY)
                .param("id", id)
                .param("now", Timestamp.from(now))
                .query(AccountRecords::row)
                .optional();
    }

    private static AccountRow row(ResultSet rs, int n) throws SQLException {
        return new AccountRow(
                rs.getLong("id"),
                rs.getString("owner_id"),
                new SealedPersonalData(rs.getBytes("holder_name"), rs.getBytes("email")),
                Currency.getInstance(rs.getString("currency")),
                rs.getLong("balance_minor"),
                rs.getLong("active_held_minor"),
                AccountStatus.fromWire(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(),
                StoredDataKey.of(rs));
    }
}
