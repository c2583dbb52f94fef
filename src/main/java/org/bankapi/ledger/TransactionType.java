package org.bankapi.ledger;

import java.util.Locale;

/** The kinds of transaction; the lower-case name is the wire and database form. */
public enum TransactionType {
    DEPOSIT,
    WITHDRAWAL,
    TRANSFER,
    REVERSAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TransactionType fromWire(String name) {
        for (TransactionType type : values()) {
            if (type.wireName().equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown transaction type " + name);
    }
}
