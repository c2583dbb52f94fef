package org.bankapi.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The idempotency keys of a request or a batch, read and stored inside its database transaction, so
 * that a key and what it answered commit together or not at all.
 */
public interface KeyClaims {

    /**
     * Claims the keys (in one order on every instance, so two transactions never deadlock on them). A
     * key claimed by an uncommitted transaction is waited for. Returns the stored replies of the keys
     * that were claimed and committed before; the others are now claimed by this transaction, to be
     * {@linkplain #complete completed} in it. For work that must not start before its key is its own.
     */
    Map<IdempotencyClaim.Id, StoredReply> claim(List<IdempotencyClaim> claims, Instant now);

    /** Stores the responses of requests whose keys this transaction {@linkplain #claim claimed}. */
    void complete(List<Completed> completed);

    /**
     * The stored replies of those keys that a committed transaction stored: reads only, takes no lock
     * and waits for nobody. A posting batch looks its keys up first and {@linkplain #store stores}
     * the new ones last, each key written once.
     */
    Map<IdempotencyClaim.Id, StoredReply> lookUp(List<IdempotencyClaim> claims);

    /**
     * Inserts the booked requests' keys with their responses, in one order on every instance, and
     * checks the refused requests' keys the same way without keeping them. A key that another
     * transaction stored since the look-up (it is waited for if uncommitted) throws {@link KeyTaken}:
     * this transaction must roll back, and booked again its look-up finds that reply, so that a
     * request retried while its first try was in flight is a replay (or a conflict), not a refusal.
     */
    void store(List<Completed> booked, List<IdempotencyClaim> refused, Instant now);

    record Completed(IdempotencyClaim claim, int status, String contentType, String location, byte[] body) {}

    /** Another transaction stored one of the batch's keys between its look-up and its store. */
    final class KeyTaken extends RuntimeException {
        public KeyTaken(int taken) {
            super(taken + " idempotency key(s) stored by a concurrent transaction");
        }
    }
}
