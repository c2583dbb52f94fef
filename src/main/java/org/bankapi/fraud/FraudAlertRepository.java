package org.bankapi.fraud;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import org.bankapi.event.TransactionEvent;
import org.bankapi.money.Money;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class FraudAlertRepository {

    private final JdbcClient jdbc;

    FraudAlertRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the alert unless this transaction already has one for this rule; true when stored now. */
    boolean insertOnce(TransactionEvent.Received event, FraudRules.Finding finding, Instant now) {
        return jdbc.sql("""
                INSERT INTO fraud_alerts (transaction_id, rule, account_id, amount_minor, currency, event_id, detail, created_at)
                VALUES (:tx, :rule, :account, :amount, :currency, :eventId, :detail, :now)
                ON CONFLICT ON CONSTRAINT fraud_alerts_once_per_rule DO NOTHING""")
                        .param("tx", event.transactionId())
                        .param("rule", finding.rule().wireName())
                        .param("account", event.accountId())
                        .param("amount", event.amount().minorUnits())
                        .param("currency", event.amount().currency().getCurrencyCode())
                        .param("eventId", event.eventId())
                        .param("detail", finding.detail())
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Newest first, keyset on the id. */
    List<FraudAlert> page(Long beforeId, int limit) {
        return jdbc.sql(
                        "SELECT * FROM fraud_alerts WHERE (CAST(:before AS BIGINT) IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                .param("before", beforeId)
                .param("limit", limit)
                .query(FraudAlertRepository::alert)
                .list();
    }

    static FraudAlert alert(ResultSet rs, int row) throws SQLException {
        return new FraudAlert(
                rs.getLong("id"),
                rs.getLong("transaction_id"),
                FraudRule.fromWire(rs.getString("rule")),
                rs.getLong("account_id"),
                Money.ofMinor(rs.getLong("amount_minor"), Currency.getInstance(rs.getString("currency"))),
                rs.getString("detail"),
                rs.getTimestamp("created_at").toInstant());
    }
}
