package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.bankapi.support.Database;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch's transaction runs its statements on generic plans (whose index use PlansWithoutStatisticsTest
 * checks); the connection goes back to the pool with PostgreSQL's own choice for everything else.
 */
class GenericPlansTest {

    @Test
    void theWritersTransactionPlansGenericallyAndTheConnectionForgetsItAtTheEnd() throws Exception {
        String url = Database.createMigrated("generic_plans_" + System.nanoTime());
        SingleConnectionDataSource data = new SingleConnectionDataSource(url, "postgres", "postgres", true);
        JdbcClient db = JdbcClient.create(data);
        TransactionTemplate inTransaction = new TransactionTemplate(new DataSourceTransactionManager(data));
        LedgerRepository repository = new LedgerRepository(db);

        String inside = inTransaction.execute(tx -> {
            repository.planGenerically();
            return setting(db);
        });

        assertThat(inside).isEqualTo("force_generic_plan");
        assertThat(setting(db)).as("after the commit, on the same connection").isEqualTo("auto");
        data.destroy();
    }

    private static String setting(JdbcClient db) {
        return db.sql("SELECT current_setting('plan_cache_mode')")
                .query(String.class)
                .single();
    }
}
