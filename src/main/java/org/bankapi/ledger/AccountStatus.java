package org.bankapi.ledger;

import java.util.Locale;

/** A customer account is open until it is closed, empty, once. */
public enum AccountStatus {
    OPEN,
    CLOSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AccountStatus fromWire(String value) {
        for (AccountStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown account status " + value);
    }
}
