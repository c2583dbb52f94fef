package org.bankapi.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The plans PostgreSQL picks for the API's queries: one partition for an account, indexes for history. */
class SchemaExplainTest extends ApiTest {

    private static String explain(JdbcClient db, String sql, Object... params) {
        var spec = db.sql("EXPLAIN " + sql);
        for (Object param : params) {
            spec = spec.param(param);
        }
        return String.join("\n", spec.query(String.class).list());
    }

    @Test
    void accountsArePartitionedIntoLowAndHighOnTheirId() {
        List<String> partitions = Database.superuser().sql(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = 'accounts'::regclass ORDER BY 1").query(String.class).list();
        assertThat(partitions).containsExactly("accounts_high", "accounts_low");
    }

    @Test
    void lookingUpAnAccountTouchesOnePartition() {
        Bank bank = new Bank(api());
        long id = bank.openAccount(Bank.newOwner(), null);
        String plan = explain(Database.superuser(), "SELECT * FROM accounts WHERE id = ?", id);
        String partition = id < (1L << 52) ? "accounts_low" : "accounts_high";
        String other = id < (1L << 52) ? "accounts_high" : "accounts_low";
        assertThat(plan).contains(partition).doesNotContain(other);
    }

    @Test
    void transactionsArePartitionedByMonthAheadOfNeed() {
        long partitions = Database.superuser().sql(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass").query(Long.class).single();
        assertThat(partitions).isGreaterThanOrEqualTo(4);
        String next = Database.superuser().sql(
                "SELECT to_regclass('transactions_' || to_char(now() + interval '2 month', 'YYYY_MM'))::text").query(String.class).single();
        assertThat(next).isNotNull();
    }

    @Test
    void theAccountHistoryQueryUsesAnIndex() {
        JdbcClient db = Database.superuser();
        db.sql("SET enable_seqscan = off").update();
        String plan = explain(db, """
                SELECT * FROM (
                  (SELECT * FROM transactions WHERE account_id = ? ORDER BY id DESC LIMIT 51)
                  UNION ALL
                  (SELECT * FROM transactions WHERE target_account_id = ? ORDER BY id DESC LIMIT 51)
                ) AS t ORDER BY id DESC LIMIT 51""", 1234L, 1234L);
        db.sql("RESET enable_seqscan").update();
        assertThat(plan).contains("Index").contains("account_id = ").contains("target_account_id = ");
        assertThat(plan).doesNotContain("Seq Scan");
        String entries = explain(db, "SELECT sum(amount_minor) FROM ledger_entries WHERE account_id = ?", 1234L);
        assertThat(entries).containsIgnoringCase("index");
    }
}
