package org.bankapi.ledger;

/** The answer to one submission: a booking, or the stored reply of an earlier request with the same key. */
public record Outcome(Booking booking, StoredReply replayed) {
    public Outcome {
        if ((booking == null) == (replayed == null)) {
            throw new IllegalArgumentException("an outcome is a booking or a replay");
        }
    }

    public boolean isReplay() {
        return replayed != null;
    }
}
