package org.bankapi.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Counts transactions only once their database transaction committed, so the counters agree
 * with the ledger. Amounts are recorded in major units for dashboards; no money decision reads them.
 */
@Component
class LedgerMetrics {

    private final MeterRegistry registry;

    LedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @TransactionalEventListener
    void onCommitted(BatchBooked batch) {
        for (BatchBooked.Booked booked : batch.transactions()) {
            LedgerTransaction tx = booked.transaction();
            counter(tx.type(), "completed").increment();
            DistributionSummary.builder("transaction.amount")
                    .description("Amounts moved, in major units of the currency")
                    .tag("type", tx.type().wireName())
                    .tag("currency", tx.amount().currency().getCurrencyCode())
                    .register(registry)
                    .record(tx.amount().toDecimal().doubleValue());
        }
    }

    void refused(TransactionType type) {
        counter(type, "refused").increment();
    }

    private Counter counter(TransactionType type, String status) {
        return Counter.builder("transactions")
                .description("Transactions by type and outcome")
                .tag("type", type.wireName())
                .tag("status", status)
                .register(registry);
    }
}
