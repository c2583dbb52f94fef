package org.bankapi.event;

import java.util.List;
import org.bankapi.ledger.BatchBooked;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Writes the events of a booked batch into the outbox inside the batch's own database transaction
 * (a plain listener runs there), with one statement, in booking order: the money and its events
 * commit or fail together.
 */
@Component
class OutboxWriter {

    private final OutboxRepository outbox;
    private final OutboxRelay relay;

    OutboxWriter(OutboxRepository outbox, OutboxRelay relay) {
        this.outbox = outbox;
        this.relay = relay;
    }

    @EventListener
    void write(BatchBooked batch) {
        List<TransactionEvent> events = batch.transactions().stream()
                .map(booked -> TransactionEvent.of(booked.transaction()))
                .toList();
        outbox.append(events, batch.bookedAt());
    }

    /** After the commit the rows are visible: wake the relay instead of waiting for its next poll. */
    @TransactionalEventListener
    void committed(BatchBooked batch) {
        relay.wake();
    }
}
