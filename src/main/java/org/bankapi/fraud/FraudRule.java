package org.bankapi.fraud;

import java.util.Locale;

/** The rules an alert can name; the lower-case name is the wire, metric-tag and database form. */
public enum FraudRule {
    AMOUNT_THRESHOLD,
    VELOCITY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FraudRule fromWire(String name) {
        for (FraudRule rule : values()) {
            if (rule.wireName().equals(name)) {
                return rule;
            }
        }
        throw new IllegalStateException("unknown fraud rule " + name);
    }
}
