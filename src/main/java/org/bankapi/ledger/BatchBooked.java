package org.bankapi.ledger;

import java.time.Instant;
import java.util.List;

/**
 * Published inside the database transaction of a batch, so that listeners (the outbox, the audit
 * log) write their rows in the same commit, each with one statement for the whole batch;
 * after-commit listeners (metrics, the balance cache, the relay) see only committed batches.
 */
public record BatchBooked(List<Booked> bookings, List<BalanceChange> balances, Instant bookedAt) {

    public BatchBooked {
        bookings = List.copyOf(bookings);
        balances = List.copyOf(balances);
    }

    /**
     * What one command committed and who asked for it: a transaction, a change of a hold (its new
     * state and the event type, {@code hold.created} and so on), or both for a capture.
     */
    public record Booked(LedgerTransaction transaction, Hold hold, String holdEvent, Origin origin) {
        public Booked {
            if (transaction == null && hold == null) {
                throw new IllegalArgumentException("a booking books a transaction or changes a hold");
            }
            if ((hold == null) != (holdEvent == null)) {
                throw new IllegalArgumentException("a changed hold has its event type");
            }
        }
    }

    /** The transactions booked, in booking order. */
    public List<Booked> transactions() {
        return bookings.stream().filter(b -> b.transaction() != null).toList();
    }

    /** A customer balance as this batch committed it, with the row's new balance_version. */
    public record BalanceChange(long accountId, long balanceMinor, long version) {}
}
