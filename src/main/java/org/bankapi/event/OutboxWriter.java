package org.bankapi.event;

import java.util.ArrayList;
import java.util.List;
import org.bankapi.ledger.BatchBooked;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Writes the events of a booked batch (transactions, and changes of holds) into the outbox inside the batch's own database transaction
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
        List<OutboxRepository.NewEvent> events = new ArrayList<>();
        for (BatchBooked.Booked booked : batch.bookings()) {
            if (booked.transaction() != null) {
                TransactionEvent event = TransactionEvent.of(booked.transaction());
                events.add(new OutboxRepository.NewEvent(event.eventId(), event.key(), event.toJson()));
            }
            if (booked.hold() != null) {
                HoldEvent event = HoldEvent.of(booked.hold(), booked.holdEvent(), batch.bookedAt());
                events.add(new OutboxRepository.NewEvent(event.eventId(), event.key(), event.toJson()));
            }
        }
        outbox.append(events, batch.bookedAt());
    }

    /** After the commit the rows are visible: wake the relay instead of waiting for its next poll. */
    @TransactionalEventListener
    void committed(BatchBooked batch) {
        relay.wake();
    }
}
