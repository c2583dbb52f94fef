package org.bankapi.fraud;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bankapi.audit.AuditForwarder;
import org.bankapi.event.TransactionEvent;
import org.bankapi.ledger.TransactionQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks one transaction event against the rules and stores its alerts, once per transaction and
 * rule, in one database transaction that has committed when {@link #handle} returns (so the
 * consumer commits the Kafka offset only after the alerts are stored). Stored alerts are then
 * forwarded (to Sentinel) through the audit's forwarder, asynchronously, beside the audit events.
 */
@Service
class FraudDetector {

    private static final Logger log = LoggerFactory.getLogger(FraudDetector.class);

    private final FraudRules rules;
    private final FraudAlertRepository alerts;
    private final TransactionQueries transactionQueries;
    private final TransactionTemplate inTransaction;
    private final Clock clock;
    private final MeterRegistry registry;
    private final AuditForwarder forwarder;

    FraudDetector(
            FraudRules rules,
            FraudAlertRepository alerts,
            TransactionQueries transactionQueries,
            TransactionTemplate inTransaction,
            Clock clock,
            MeterRegistry registry,
            AuditForwarder forwarder) {
        this.rules = rules;
        this.alerts = alerts;
        this.transactionQueries = transactionQueries;
        this.inTransaction = inTransaction;
        this.clock = clock;
        this.registry = registry;
        this.forwarder = forwarder;
        for (FraudRule rule : FraudRule.values()) {
            counter(rule);
        }
    }

    /** Parses and checks one record's value; an unreadable one throws {@link TransactionEvent.InvalidEventException}. */
    List<FraudRule> handle(String value) {
        if (TransactionEvent.isHoldEvent(value)) {
            log.info("Consumed hold event: no fraud rule applies to holds; their captures are transaction events");
            return List.of();
        }
        TransactionEvent.Received event = TransactionEvent.parse(value);
        log.info(
                "Consumed transaction event: event {} transaction {} {} on account {}",
                event.eventId(),
                event.transactionId(),
                event.transactionType(),
                event.accountId());
        List<FraudRule> stored = inTransaction.execute(status -> {
            int recent = rules.applies(event)
                    ? transactionQueries.countRecent(
                            event.accountId(), event.transactionId(), rules.windowStart(event), rules.velocityMax() + 1)
                    : 0;
            List<FraudRule> inserted = new ArrayList<>(2);
            for (FraudRules.Finding finding : rules.evaluate(event, recent)) {
                if (alerts.insertOnce(event, finding, clock.instant())) {
                    log.warn(
                            "Suspicious transaction: transaction {} on account {}, rule {}: {}",
                            event.transactionId(),
                            event.accountId(),
                            finding.rule().wireName(),
                            finding.detail());
                    inserted.add(finding.rule());
                }
            }
            return inserted;
        });
        for (FraudRule rule : stored) {
            counter(rule).increment();
            forwarder.forward(forwardedAlert(
                    event.transactionId(),
                    rule.wireName(),
                    event.amount().toPlainString(),
                    event.amount().currency().getCurrencyCode(),
                    clock.instant()));
        }
        return stored;
    }

    /** One alert as the forwarder takes it, in the same stream (and shape) as the audit events. */
    static Map<String, Object> forwardedAlert(
            long transactionId, String rule, String amount, String currency, Instant createdAt) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("TimeGenerated", createdAt.toString());
        event.put("EventType", "fraud_alert");
        event.put("Action", "fraud.flagged");
        event.put("Resource", "/transactions/" + transactionId);
        event.put("Outcome", "flagged");
        event.put("Code", rule);
        event.put(
                "Details",
                Map.of("transaction_id", transactionId, "rule", rule, "amount", amount, "currency", currency));
        return event;
    }

    private Counter counter(FraudRule rule) {
        return Counter.builder("fraud.alerts")
                .description("Fraud alerts stored, by rule")
                .tag("rule", rule.wireName())
                .register(registry);
    }
}
