package org.bankapi.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
        for (BatchBooked.Booked booked : batch.bookings()) {
            if (booked.hold() != null) {
                holds(booked.holdEvent().substring("hold.".length()), "completed")
                        .increment();
            }
        }
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

    /**
     * A command the posting rules refused inside the running batch transaction: counted once it commits,
     * like the bookings (a batch that fails and is split meets the refusal again in its retry; a
     * rehearsal rolls back and is never counted).
     */
    void refused(Command command) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                count(command);
            }
        });
    }

    /** A refused command: a transaction of its type, or a hold action. */
    private void count(Command command) {
        switch (command) {
            case Command.Post post -> counter(post.type(), "refused").increment();
            case Command.Reverse reverse ->
                counter(TransactionType.REVERSAL, "refused").increment();
            case Command.Open open ->
                counter(TransactionType.DEPOSIT, "refused").increment();
            case Command.PlaceHold place -> holds("created", "refused").increment();
            case Command.CaptureHold capture -> holds("captured", "refused").increment();
            case Command.VoidHold release -> holds("voided", "refused").increment();
            case Command.ExpireHold expire -> holds("expired", "refused").increment();
        }
    }

    private Counter holds(String action, String status) {
        return Counter.builder("holds")
                .description("Hold actions by outcome: created, captured, voided, expired")
                .tag("action", action)
                .tag("status", status)
                .register(registry);
    }

    private Counter counter(TransactionType type, String status) {
        return Counter.builder("transactions")
                .description("Transactions by type and outcome")
                .tag("type", type.wireName())
                .tag("status", status)
                .register(registry);
    }
}
