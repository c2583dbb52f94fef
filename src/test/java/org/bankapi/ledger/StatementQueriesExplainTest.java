package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The plans of the statement queries, as StatementQueries sends them: one index range or one backward step, never a scan. */
class StatementQueriesExplainTest extends ApiTest {

    private final JdbcClient db = Database.superuser();
    private long account;

    @BeforeEach
    void planWithoutSequentialScans() {
        Bank bank = new Bank(api());
        account = bank.openAccount(Bank.newOwner(), "10.00");
        db.sql("ANALYZE ledger_entries").update();
        db.sql("SET enable_seqscan = off").update();
    }

    @AfterEach
    void reset() {
        db.sql("RESET enable_seqscan").update();
    }

    private String explain(String sql) {
        return String.join(
                "\n",
                db.sql("EXPLAIN " + sql)
                        .param("account", account)
                        .param("from", Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")))
                        .param("to", Timestamp.from(Instant.now().plusSeconds(3600)))
                        .param("instant", Timestamp.from(Instant.now()))
                        .param("after", 1L)
                        .param("limit", 201)
                        .query(String.class)
                        .list());
    }

    @Test
    void aStatementPageIsOneRangeOfTheAccountTimeIndexJoinedToTransactionsByKey() {
        String plan = explain(
                StatementQueries.ENTRIES + StatementQueries.AFTER_CURSOR + " ORDER BY e.created_at, e.id LIMIT :limit");
        assertThat(plan)
                .contains("ledger_entries_account_time_idx")
                .doesNotContain("Seq Scan")
                .doesNotContain("Sort");
        assertThat(plan).containsPattern("Index (Only )?Scan using transactions_\\d{4}_\\d{2}_pkey");
    }

    @Test
    void aBalanceAtAnInstantIsOneBackwardStepInTheAccountTimeIndex() {
        String plan = explain(StatementQueries.BALANCE_BEFORE);
        assertThat(plan)
                .containsPattern("Index (Only )?Scan Backward using ledger_entries_account_time_idx")
                .doesNotContain("Seq Scan")
                .doesNotContain("Sort");
    }
}
