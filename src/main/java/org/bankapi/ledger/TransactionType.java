package org.bankapi.ledger;

import java.util.Locale;

/** The kinds of transaction; the lower-case name is the wire and database form. */
public enum TransactionType {
    DEPOSIT,
    WITHDRAWAL,
    TRANSFER,
    REVERSAL;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
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
