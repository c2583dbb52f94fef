package org.bankapi.event;

import org.bankapi.ledger.TransactionPosted;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Writes the event of every booked transaction into the outbox inside the booking's own database
 * transaction (a plain listener runs there), so the money and its event commit or fail together.
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
    void write(TransactionPosted posted) {
        TransactionEvent event = TransactionEvent.of(posted.transaction());
        outbox.append(event.eventId(), event.key(), event.toJson(), posted.transaction().createdAt());
    }

    /** After the commit the row is visible: wake the relay instead of waiting for its next poll. */
    @TransactionalEventListener
    void committed(TransactionPosted posted) {
        relay.wake();
    }
}
