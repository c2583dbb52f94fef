package org.bankapi.fraud;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads the stored alerts of one transaction straight from the table, for tests. */
final class FraudAlerts {

    private FraudAlerts() {}

    static List<FraudAlert> ofTransaction(JdbcClient jdbc, long transactionId) {
        return jdbc.sql("SELECT * FROM fraud_alerts WHERE transaction_id = :tx ORDER BY id")
                .param("tx", transactionId)
                .query(FraudAlertRepository::alert)
                .list();
    }
}
