package org.bankapi.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bankapi.support.Database;
import org.bankapi.support.EmbeddedDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * V6 on a ledger booked before it: a database of its own is migrated up to V5, entries are booked
 * through SQL as the service did then (no balance_after), and V6 must fill in every running balance.
 */
class RunningBalanceMigrationTest {

    private String database;
    private SingleConnectionDataSource dataSource;

    @BeforeEach
    void createDatabase() {
        database = "backfill_" + UUID.randomUUID().toString().replace("-", "");
        Database.superuser().sql("CREATE DATABASE " + database).update();
        dataSource = new SingleConnectionDataSource(EmbeddedDatabase.get().getJdbcUrl("postgres", database), true);
    }

    @AfterEach
    void dropDatabase() {
        dataSource.destroy();
        Database.superuser().sql("DROP DATABASE " + database + " WITH (FORCE)").update();
    }

    private Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .target(target)
                .load();
    }

    /** Two customers and the EUR cash account; deposits, a transfer and a withdrawal as V5's service booked them. */
    private JdbcClient bookTheOldWay(long balanceOf6000) {
        flyway("5").migrate();
        JdbcClient db = JdbcClient.create(dataSource);
        db.sql("BEGIN").update();
        db.sql("""
                INSERT INTO accounts (id, kind, owner_id, currency, balance_minor, created_at) VALUES
                  (978, 'cash', 'bank', 'EUR', 0, now()), (5000, 'customer', 'a', 'EUR', 5000, now()),
                  (6000, 'customer', 'b', 'EUR', ?, now()), (7000, 'customer', 'c', 'EUR', 0, now())""").param(balanceOf6000).update();
        String[][] movements = {
            {"deposit", "978", "5000", "10000"},
            {"transfer", "5000", "6000", "3000"},
            {"deposit", "978", "6000", "500"},
            {"withdrawal", "5000", "978", "2000"}
        };
        for (String[] m : movements) {
            long from = Long.parseLong(m[1]);
            long to = Long.parseLong(m[2]);
            long amount = Long.parseLong(m[3]);
            long account = m[0].equals("deposit") ? to : from;
            Long target = m[0].equals("transfer") ? to : null;
            long tx = db.sql("""
                    INSERT INTO transactions (type, status, amount_minor, currency, account_id, target_account_id, created_at)
                    VALUES (?, 'completed', ?, 'EUR', ?, ?, clock_timestamp()) RETURNING id""")
                    .params(m[0], amount, account, target)
                    .query(Long.class)
                    .single();
            db.sql("""
                    INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, created_at)
                    SELECT id, v.account, v.amount, 'EUR', created_at FROM transactions, (VALUES (?::bigint, ?::bigint), (?, ?)) AS v(account, amount)
                     WHERE id = ?""").params(from, -amount, to, amount, tx).update();
        }
        db.sql("COMMIT").update();
        return db;
    }

    private static List<Long> balancesAfter(JdbcClient db, long account) {
        return db.sql("SELECT balance_after FROM ledger_entries WHERE account_id = ? ORDER BY id")
                .param(account)
                .query((rs, n) -> (Long) rs.getObject(1))
                .list();
    }

    @Test
    void theMigrationFillsEveryCustomerEntrysRunningBalanceInBookingOrder() {
        JdbcClient db = bookTheOldWay(3500);

        flyway("latest").migrate();

        assertThat(balancesAfter(db, 5000)).containsExactly(10000L, 7000L, 5000L);
        assertThat(balancesAfter(db, 6000)).containsExactly(3000L, 3500L);
        assertThat(balancesAfter(db, 978)).hasSize(3).containsOnlyNulls();
        assertThat(db.sql("SELECT count(*) FROM ledger_entries WHERE account_id = 7000")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void afterTheMigrationTheSchemaRefusesACustomerEntryWithoutRunningBalanceAndACashEntryWithOne() {
        JdbcClient db = bookTheOldWay(3500);
        flyway("latest").migrate();
        long tx = db.sql("SELECT max(id) FROM transactions").query(Long.class).single();

        for (String values : List.of("(5000, 1, NULL::bigint)", "(978, 1, 0)", "(5000, -6000, -1000)")) {
            assertThatThrownBy(() -> db.sql(
                                    "INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, balance_after,"
                                            + " currency, created_at) SELECT " + tx
                                            + ", v.a, v.m, v.b, 'EUR', now() FROM (VALUES " + values
                                            + ") AS v(a, m, b)")
                            .update())
                    .as(values)
                    .hasStackTraceContaining("ledger_entries_balance_after_customer_only");
        }
        assertThatThrownBy(() -> db.sql("UPDATE ledger_entries SET balance_after = 0 WHERE account_id = 5000")
                        .update())
                .as("the append-only trigger is back on")
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> db.sql("INSERT INTO accounts (id, kind, owner_id, currency, created_at)"
                                + " VALUES (999999, 'cash', 'bank', 'EUR', now())")
                        .update())
                .hasStackTraceContaining("accounts_cash_ids_below_1000");
        Map<String, Object> index = db.sql(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ledger_entries_account_time_idx'")
                .query()
                .singleRow();
        assertThat(index.get("indexdef").toString()).contains("(account_id, created_at, id)");
    }

    @Test
    void aLedgerWhoseEntriesDisagreeWithABalanceIsNotMigrated() {
        JdbcClient db = bookTheOldWay(3499);

        assertThatThrownBy(() -> flyway("latest").migrate()).hasStackTraceContaining("ledger corrupt");
        assertThat(db.sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ledger_entries'"
                                + " AND column_name = 'balance_after'")
                        .query(Long.class)
                        .single())
                .as("rolled back")
                .isZero();
    }
}
