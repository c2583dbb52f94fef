package org.bankapi.ledger;

import java.util.Locale;

/** A booked transaction is completed, and reversed once its compensating reversal is booked; the lower-case name is the wire and database form. */
public enum TransactionStatus {
    COMPLETED,
    REVERSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TransactionStatus fromWire(String value) {
        for (TransactionStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw new IllegalStateException("unknown transaction status " + value);
    }
}
