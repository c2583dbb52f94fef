package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bankapi.support.Database;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch's statements find their rows by index on tables that were never analyzed (a new database, or
 * a PostgreSQL running with autovacuum off), so that a batch's cost never grows with the ledger. Each
 * test counts, inside its own transaction, what PostgreSQL read (pg_stat_xact_*), and rolls back.
 */
class PlansWithoutStatisticsTest {

    private static final int ACCOUNTS = 4_000;
    private static final int TRANSACTIONS = 20_000;
    private static final long CASH_EUR = 978;

    private static JdbcClient db;
    private static TransactionTemplate inTransaction;

    @BeforeAll
    static void aLedgerOfFortyThousandEntriesWithoutStatistics() throws Exception {
        String name = "no_statistics_" + ThreadLocalRandom.current().nextInt(1_000_000);
        // generic plans: what the batch writer asks for (LedgerRepository.planGenerically) and what the
        // service's other statements may run with from their sixth execution (pgjdbc prepares them)
        String url = Database.createMigrated(name, "plan_cache_mode = force_generic_plan");
        SingleConnectionDataSource data = new SingleConnectionDataSource(url, "postgres", "postgres", true);
        db = JdbcClient.create(data);
        inTransaction = new TransactionTemplate(new DataSourceTransactionManager(data));
        for (String table : List.of("accounts_low", "accounts_high", "ledger_entries")) {
            db.sql("ALTER TABLE " + table + " SET (autovacuum_enabled = false)").update();
        }
        db.sql("""
                INSERT INTO accounts (id, kind, owner_id, currency, balance_minor, created_at)
                VALUES (:cash, 'cash', 'bank', 'EUR', 0, now()) ON CONFLICT (id) DO NOTHING""").param("cash", CASH_EUR).update();
        db.sql("""
                INSERT INTO accounts (id, kind, owner_id, currency, balance_minor, created_at)
                SELECT 1000 + i, 'customer', 'owner-' || i, 'EUR', 0, now() FROM generate_series(1, :n) i""").param("n", ACCOUNTS).update();
        db.sql("""
                INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, balance_after, currency, created_at)
                SELECT g, CASE WHEN side = 1 THEN 1000 + 1 + g % :accounts ELSE :cash END,
                       CASE WHEN side = 1 THEN 100 ELSE -100 END, CASE WHEN side = 1 THEN 100 END, 'EUR', now()
                  FROM generate_series(1, :n) g CROSS JOIN generate_series(1, 2) side""")
                .param("accounts", ACCOUNTS)
                .param("cash", CASH_EUR)
                .param("n", TRANSACTIONS)
                .update();
        for (String table : List.of("accounts_low", "accounts_high", "ledger_entries")) {
            assertThat(db.sql("SELECT reltuples FROM pg_class WHERE relname = :table")
                            .param("table", table)
                            .query(Double.class)
                            .single())
                    .as("%s was never analyzed", table)
                    .isEqualTo(-1.0);
        }
    }

    private static long indexTuplesRead(String index) {
        return db.sql("SELECT pg_stat_get_xact_tuples_returned(to_regclass(:index))")
                .param("index", index)
                .query(Long.class)
                .single();
    }

    private static long sequentialScans(String table) {
        return db.sql("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = :table")
                .param("table", table)
                .query(Long.class)
                .single();
    }

    @Test
    void theDoubleEntryCheckReadsOnlyTheEntriesOfTheTransactionItChecks() {
        long read = inTransaction.execute(tx -> {
            tx.setRollbackOnly();
            long before = indexTuplesRead("ledger_entries_transaction_id_idx");
            db.sql("""
                    INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, balance_after, currency, created_at)
                    VALUES (:tx, 1001, 250, 350, 'EUR', now()), (:tx, :cash, -250, NULL, 'EUR', now())""").param("tx", TRANSACTIONS + 1L).param("cash", CASH_EUR).update();
            return indexTuplesRead("ledger_entries_transaction_id_idx") - before;
        });
        assertThat(read).as("entries read to check one transaction's two").isLessThanOrEqualTo(10);
    }

    @Test
    void aBatchsBalanceUpdateFindsItsAccountsByIndex() {
        LedgerRepository repository = new LedgerRepository(db);
        Currency eur = Currency.getInstance("EUR");
        long scans = inTransaction.execute(tx -> {
            tx.setRollbackOnly();
            long before = sequentialScans("accounts_low");
            Map<Long, Long> versions = repository.updateBalances(
                    List.of(new AccountState(1001, "owner-1", eur, 500, 0, true, false)), Map.of());
            assertThat(versions).containsOnlyKeys(1001L);
            return sequentialScans("accounts_low") - before;
        });
        assertThat(scans).as("sequential scans of accounts_low").isZero();
    }
}
