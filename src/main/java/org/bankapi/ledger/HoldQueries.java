package org.bankapi.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Reads of holds, newest first with a keyset condition on the id. A status filter means the status a
 * client sees at {@code now}: a pending hold past its expiry is listed as expired, never as pending.
 */
@Service
public class HoldQueries {

    private final JdbcClient jdbc;

    HoldQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Hold> find(long id) {
        return jdbc.sql("SELECT * FROM holds WHERE id = :id")
                .param("id", id)
                .query(LedgerRepository::hold)
                .optional();
    }

    /**
     * A page of holds: of one account when {@code accountId} is set, of the accounts {@code owner}
     * owns when it is set, else all; of one status when {@code status} is set.
     */
    public List<Hold> page(Long accountId, String owner, HoldStatus status, Instant now, Long beforeId, int limit) {
        StringBuilder where = new StringBuilder("TRUE");
        if (accountId != null) {
            where.append(" AND account_id = :account");
        }
        if (owner != null) {
            where.append(" AND account_id IN (SELECT id FROM accounts WHERE owner_id = :owner AND kind = 'customer')");
        }
        if (status != null) {
            where.append(
                    switch (status) {
                        case PENDING -> " AND status = 'pending' AND expires_at > :now";
                        case EXPIRED -> " AND (status = 'expired' OR (status = 'pending' AND expires_at <= :now))";
                        case CAPTURED, VOIDED -> " AND status = :status";
                    });
        }
        if (beforeId != null) {
            where.append(" AND id < :before");
        }
        var spec = jdbc.sql("SELECT * FROM holds WHERE " + where + " ORDER BY id DESC LIMIT :limit")
                .param("limit", limit);
        if (accountId != null) {
            spec = spec.param("account", accountId);
        }
        if (owner != null) {
            spec = spec.param("owner", owner);
        }
        if (status == HoldStatus.PENDING || status == HoldStatus.EXPIRED) {
            spec = spec.param("now", Timestamp.from(now));
        } else if (status != null) {
            spec = spec.param("status", status.wireName());
        }
        if (beforeId != null) {
            spec = spec.param("before", beforeId);
        }
        return spec.query(LedgerRepository::hold).list();
    }

    /** Pending holds past their expiry, oldest expiry first: the sweeper's work. */
    public List<Long> expiredPending(Instant now, int limit) {
        return jdbc.sql("""
                SELECT id FROM holds WHERE status = 'pending' AND expires_at <= :now ORDER BY expires_at LIMIT :limit""")
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }
}
