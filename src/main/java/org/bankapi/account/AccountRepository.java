package org.bankapi.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import org.bankapi.crypto.SealedPersonalData;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the accounts table for customer accounts; balances are only ever written by the ledger. */
@Repository
class AccountRepository {

    /** The row, and the sum of its pending holds at :now, in the same statement (so of the same snapshot). */
    private static final String COLUMNS = """
            id, owner_id, holder_name, email, currency, balance_minor, balance_version, status, created_at,
            CASE WHEN held_minor = 0 THEN 0 ELSE (SELECT coalesce(sum(h.amount_minor), 0) FROM holds AS h
                  WHERE h.account_id = accounts.id AND h.status = 'pending' AND h.expires_at > :now) END AS active_held_minor""";
    private final JdbcClient jdbc;
    private final Clock clock;

    AccountRepository(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void insert(long id, String ownerId, SealedPersonalData personalData, Currency currency, Instant now) {
        jdbc.sql("""
                INSERT INTO accounts (id, kind, owner_id, holder_name, email, currency, created_at)
                VALUES (:id, 'customer', :owner, :holderName, :email, :currency, :now)""")
                .param("id", id)
                .param("owner", ownerId)
                .param("holderName", personalData.holderName())
                .param("email", personalData.email())
                .param("currency", currency.getCurrencyCode())
                .param("now", Timestamp.from(now))
                .update();
    }

    Optional<AccountRow> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE id = :id AND kind = 'customer'")
                .param("id", id)
                .param("now", Timestamp.from(clock.instant()))
                .query(AccountRepository::row)
                .optional();
    }

    List<AccountRow> page(String owner, Long afterId, int limit) {
        String where = (owner == null ? "kind = 'customer'" : "owner_id = :owner AND kind = 'customer'")
                + (afterId == null ? "" : " AND id > :after");
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE " + where + " ORDER BY id LIMIT :limit")
                .param("limit", limit)
                .param("now", Timestamp.from(clock.instant()));
        if (owner != null) {
            spec = spec.param("owner", owner);
        }
        if (afterId != null) {
            spec = spec.param("after", afterId);
        }
        return spec.query(AccountRepository::row).list();
    }

    Optional<Currency> currencyOf(long id) {
        return jdbc.sql("SELECT currency FROM accounts WHERE id = :id AND kind = 'customer'")
                .param("id", id)
                .query((rs, n) -> Currency.getInstance(rs.getString(1)))
                .optional();
    }

    List<Long> idsOwnedBy(String owner) {
        return jdbc.sql("SELECT id FROM accounts WHERE owner_id = :owner AND kind = 'customer'")
                .param("owner", owner)
                .query(Long.class)
                .list();
    }

    /** Closes an open, empty account under its row lock; empty when some condition did not hold. */
    Optional<AccountRow> closeIfEmpty(long id, Instant now) {
        return jdbc.sql("UPDATE accounts SET status = 'closed', closed_at = :now"
                        + " WHERE id = :id AND kind = 'customer' AND status = 'open' AND balance_minor = 0 RETURNING " + COLUMNS)
                .param("id", id)
                .param("now", Timestamp.from(now))
                .query(AccountRepository::row)
                .optional();
    }

    private static AccountRow row(ResultSet rs, int n) throws SQLException {
        return new AccountRow(
                rs.getLong("id"),
                rs.getString("owner_id"),
                new SealedPersonalData(rs.getBytes("holder_name"), rs.getBytes("email")),
                Currency.getInstance(rs.getString("currency")),
                rs.getLong("balance_minor"),
                rs.getLong("balance_version"),
                rs.getLong("active_held_minor"),
                rs.getString("status"),
                rs.getTimestamp("created_at").toInstant());
    }
}
