package org.bankapi.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.bankapi.support.ApiTest;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schema itself refuses entries that break double entry, whatever code writes them: each
 * transaction's entries sum to zero in one currency, entries of earlier statements included. Every
 * test rolls back, so its made-up transactions never reach the shared database (the Spring context
 * of {@link ApiTest} migrates it).
 */
class DoubleEntrySchemaTest extends ApiTest {

    private Connection db;

    @BeforeEach
    void openATransactionWithCashAccounts() throws SQLException {
        db = EmbeddedDatabase.get().getPostgresDatabase().getConnection();
        db.setAutoCommit(false);
        execute("""
                INSERT INTO accounts (id, kind, owner_id, currency, created_at)
                VALUES (978, 'cash', 'bank', 'EUR', now()), (840, 'cash', 'bank', 'USD', now())
                ON CONFLICT (id) DO NOTHING""");
    }

    @AfterEach
    void rollBack() throws SQLException {
        db.rollback();
        db.close();
    }

    @Test
    void acceptsEntriesThatSumToZeroInOneCurrency() throws SQLException {
        long tx = transaction();
        assertThat(insert(tx, "(978, 100, 'EUR'), (978, -100, 'EUR')")).isEqualTo(2);
    }

    @Test
    void refusesEntriesThatDoNotSumToZero() throws SQLException {
        long tx = transaction();
        assertRefused("(978, 100, 'EUR'), (978, -50, 'EUR')", tx, "transaction " + tx + ": entries sum to 50");
        assertThat(entries(tx)).isZero();
    }

    @Test
    void refusesEntriesInTwoCurrencies() throws SQLException {
        long tx = transaction();
        assertRefused("(978, 100, 'EUR'), (840, -100, 'USD')", tx, "over 2 currencies");
    }

    @Test
    void countsTheEntriesOfEarlierStatementsOfTheSameTransaction() throws SQLException {
        long tx = transaction();
        insert(tx, "(978, 100, 'EUR'), (978, -100, 'EUR')");
        assertRefused("(840, 100, 'USD'), (840, -100, 'USD')", tx, "over 2 currencies");
        assertRefused("(978, 7, 'EUR')", tx, "entries sum to 7");
        assertThat(entries(tx)).isEqualTo(2);
    }

    @Test
    void checksEveryTransactionOfAStatement() throws SQLException {
        long good = transaction();
        long bad = transaction();
        Savepoint before = db.setSavepoint();
        assertThatThrownBy(() -> execute("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor,"
                        + " currency, created_at) VALUES (" + good + ", 978, 100, 'EUR', now()), (" + good
                        + ", 978, -100, 'EUR', now()), (" + bad + ", 978, 100, 'EUR', now())"))
                .hasMessageContaining("double entry broken for transaction " + bad);
        db.rollback(before);
        assertThat(entries(good)).isZero();
    }

    private void assertRefused(String values, long tx, String reason) throws SQLException {
        Savepoint before = db.setSavepoint();
        assertThatThrownBy(() -> insert(tx, values))
                .hasMessageContaining("double entry broken")
                .hasMessageContaining(reason);
        db.rollback(before);
    }

    private long transaction() throws SQLException {
        return single("""
                INSERT INTO transactions (type, status, amount_minor, currency, account_id, created_at)
                VALUES ('deposit', 'completed', 100, 'EUR', 978, now()) RETURNING id""");
    }

    private int insert(long tx, String values) throws SQLException {
        return execute("INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, created_at)"
                + " SELECT " + tx + ", v.a, v.m, v.c, now() FROM (VALUES " + values + ") AS v(a, m, c)");
    }

    private long entries(long tx) throws SQLException {
        return single("SELECT count(*) FROM ledger_entries WHERE transaction_id = " + tx);
    }

    private int execute(String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private long single(String sql) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
