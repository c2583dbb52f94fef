package org.bankapi.ledger;

import java.util.Locale;

/** The life of a hold: pending, then captured, voided or expired, once. */
public enum HoldStatus {
    PENDING,
    CAPTURED,
    VOIDED,
    EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HoldStatus fromWire(String value) {
        for (HoldStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown hold status " + value);
    }
}
