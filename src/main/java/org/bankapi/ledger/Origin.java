package org.bankapi.ledger;

/** Who asked for a booking and in which request: the engine books on its own thread, so it is carried along. */
public record Origin(String principal, String requestId) {
    public Origin {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("a booking has a principal");
        }
    }
}
