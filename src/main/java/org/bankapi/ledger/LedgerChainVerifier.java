package org.bankapi.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bankapi.db.SqlArrays;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Checks that every customer account's entries chain through their balance_after up to its balance,
 * in keyset batches of {@value #BATCH_ACCOUNTS} accounts, one snapshot each, so the check holds under
 * traffic and its memory does not grow with the ledger. The SQL: docs/statements.md, "Checking the chain".
 */
@Service
public class LedgerChainVerifier {

    static final int BATCH_ACCOUNTS = 500;

    static final String BATCH_CHECK = """
            WITH chained AS (
                SELECT e.account_id, e.id, e.amount_minor, e.balance_after, e.created_at,
                       lag(e.balance_after) OVER w AS previous_balance,
                       lag(e.created_at) OVER w AS previous_created_at,
                       lead(e.id) OVER w IS NULL AS last
                  FROM ledger_entries e
                 WHERE e.account_id = ANY(:ids)
                WINDOW w AS (PARTITION BY e.account_id ORDER BY e.id)
            ), checked AS (
                SELECT c.account_id, c.id,
                       CASE
                         WHEN c.balance_after IS NULL THEN 'the entry has no balance_after'
                         WHEN c.previous_balance IS NULL AND c.balance_after <> c.amount_minor
                           THEN 'the first entry''s balance_after is not its amount'
                         WHEN c.previous_balance IS NOT NULL AND c.previous_balance + c.amount_minor <> c.balance_after
                           THEN 'the previous balance_after plus the amount is not the balance_after'
                         WHEN c.created_at < c.previous_created_at
                           THEN 'the entry is dated before the entry booked ahead of it'
                         WHEN c.last AND c.balance_after <> a.balance_minor
                           THEN 'the last balance_after is not the account''s balance'
                       END AS reason
                  FROM chained c JOIN accounts a ON a.id = c.account_id
            ), without_entries AS (
                SELECT a.id AS account_id, NULL::BIGINT AS id, 'the account holds money but has no entries' AS reason
                  FROM accounts a
                 WHERE a.id = ANY(:ids) AND a.balance_minor <> 0
                   AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.account_id = a.id)
            ), failures AS (
                SELECT account_id, id, reason FROM checked WHERE reason IS NOT NULL
                UNION ALL
                SELECT account_id, id, reason FROM without_entries
            )
            SELECT (SELECT count(*) FROM checked) AS entries, f.account_id, f.id, f.reason
              FROM (SELECT 1) AS one
              LEFT JOIN (SELECT * FROM failures ORDER BY account_id, id NULLS FIRST LIMIT 1) AS f ON TRUE""";

    private final JdbcClient jdbc;

    LedgerChainVerifier(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code {"valid", "accounts", "entries"}}, and on the first break {@code first_bad_account}, {@code first_bad_entry}, {@code reason}. */
    public Map<String, Object> verify() {
        long accounts = 0;
        long entries = 0;
        long after = Long.MIN_VALUE;
        Map<String, Object> failure = new LinkedHashMap<>();
        while (failure.isEmpty()) {
            List<Long> ids = jdbc.sql(
                            "SELECT id FROM accounts WHERE kind = 'customer' AND id > :after ORDER BY id LIMIT :batch")
                    .param("after", after)
                    .param("batch", BATCH_ACCOUNTS)
                    .query(Long.class)
                    .list();
            if (ids.isEmpty()) {
                break;
            }
            long[] batch = ids.stream().mapToLong(Long::longValue).toArray();
            Map<String, Object> result = jdbc.sql(BATCH_CHECK)
                    .param("ids", SqlArrays.bigints(batch))
                    .query()
                    .singleRow();
            entries += ((Number) result.get("entries")).longValue();
            accounts += batch.length;
            if (result.get("reason") != null) {
                failure.put("first_bad_account", result.get("account_id"));
                failure.put("first_bad_entry", result.get("id"));
                failure.put("reason", result.get("reason"));
            }
            after = batch[batch.length - 1];
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("valid", failure.isEmpty());
        report.put("accounts", accounts);
        report.put("entries", entries);
        report.putAll(failure);
        return report;
    }
}
