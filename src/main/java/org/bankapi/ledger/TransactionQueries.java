package org.bankapi.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bankapi.db.SqlArrays;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Reads of booked transactions, newest first with a keyset condition on the id (ids grow with
 * time); each filter combination has its own statement so the planner can use the matching index.
 */
@Service
public class TransactionQueries {

    private final JdbcClient jdbc;

    TransactionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<LedgerTransaction> find(long id) {
        return jdbc.sql("SELECT * FROM transactions WHERE id = :id")
                .param("id", id)
                .query(LedgerRepository::transaction)
                .optional();
    }

    /** Transactions touching one account, on either side. */
    public List<LedgerTransaction> ofAccount(long accountId, TransactionType type, Long beforeId, int limit) {
        String conditions = (type == null ? "" : " AND type = :type") + (beforeId == null ? "" : " AND id < :before");
        var spec =
                jdbc.sql("""
                SELECT * FROM (
                  (SELECT * FROM transactions WHERE account_id = :account %1$s ORDER BY id DESC LIMIT :limit)
                  UNION ALL
                  (SELECT * FROM transactions WHERE target_account_id = :account %1$s ORDER BY id DESC LIMIT :limit)
                ) AS t ORDER BY id DESC LIMIT :limit""".formatted(conditions)).param("account", accountId).param("limit", limit);
        return bind(spec, type, beforeId).query(LedgerRepository::transaction).list();
    }

    /**
     * Transactions touching any of the given accounts (a customer's own), newest first. Per account
     * and side, one bounded index scan ({@code LIMIT} rows at most), merged by id: an OR over both
     * columns would read and sort every transaction of those accounts before the limit. A transfer
     * between two of the accounts comes once (from its debit side).
     */
    public List<LedgerTransaction> ofAccounts(
            Collection<Long> accountIds, TransactionType type, Long beforeId, int limit) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        String conditions = (type == null ? "" : " AND type = :type") + (beforeId == null ? "" : " AND id < :before");
        var spec = jdbc.sql("""
                SELECT * FROM (
                  SELECT t.* FROM unnest(:accounts) AS a(id) CROSS JOIN LATERAL
                    (SELECT * FROM transactions WHERE account_id = a.id %1$s ORDER BY id DESC LIMIT :limit) AS t
                  UNION ALL
                  SELECT t.* FROM unnest(:accounts) AS a(id) CROSS JOIN LATERAL
                    (SELECT * FROM transactions WHERE target_account_id = a.id AND account_id <> ALL(:accounts) %1$s
                      ORDER BY id DESC LIMIT :limit) AS t
                ) AS t ORDER BY id DESC LIMIT :limit""".formatted(conditions))
                .param(
                        "accounts",
                        SqlArrays.bigints(accountIds.stream()
                                .mapToLong(Long::longValue)
                                .distinct()
                                .toArray()))
                .param("limit", limit);
        return bind(spec, type, beforeId).query(LedgerRepository::transaction).list();
    }

    public List<LedgerTransaction> all(TransactionType type, Long beforeId, int limit) {
        String conditions = (type == null ? "TRUE" : "type = :type") + (beforeId == null ? "" : " AND id < :before");
        var spec = jdbc.sql("SELECT * FROM transactions WHERE %s ORDER BY id DESC LIMIT :limit".formatted(conditions))
                .param("limit", limit);
        return bind(spec, type, beforeId).query(LedgerRepository::transaction).list();
    }

    /**
     * Transactions from {@code accountId} in (from, transaction {@code upToTransactionId}], counted over at most
     * {@code limit} of the newest: ids grow with time per account, since its postings are serialised.
     */
    public int countRecent(long accountId, long upToTransactionId, Instant from, int limit) {
        return jdbc.sql("""
                SELECT count(*) FROM (
                  SELECT created_at FROM transactions
                   WHERE account_id = :account AND id <= :upTo
                   ORDER BY id DESC LIMIT :limit) AS recent
                 WHERE created_at > :from""")
                .param("account", accountId)
                .param("upTo", upToTransactionId)
                .param("limit", limit)
                .param("from", Timestamp.from(from))
                .query(Integer.class)
                .single();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, TransactionType type, Long beforeId) {
        if (type != null) {
            spec = spec.param("type", type.wireName());
        }
        if (beforeId != null) {
            spec = spec.param("before", beforeId);
        }
        return spec;
    }
}
