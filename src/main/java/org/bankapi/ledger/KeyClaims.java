package org.bankapi.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The idempotency keys of a batch, claimed, completed and released inside the batch's database
 * transaction, so that a key and its booking commit together or not at all.
 */
public interface KeyClaims {

    /**
     * Claims the keys (in one order on every instance, so two batches never deadlock on them). A key
     * claimed by an uncommitted transaction is waited for. Returns the stored replies of the keys that
     * were claimed and committed before; the others are now claimed by this transaction.
     */
    Map<IdempotencyClaim.Id, StoredReply> claim(List<IdempotencyClaim> claims, Instant now);

    /** Stores the responses of the booked requests under their claimed keys. */
    void complete(List<Completed> completed);

    /** Gives back the keys of refused requests: their retry is judged afresh. */
    void release(List<IdempotencyClaim> refused);

    record Completed(IdempotencyClaim claim, int status, String contentType, String location, byte[] body) {}
}
