package org.bankapi.money;

/**
 * Sums and differences of amounts, for tests: the service never adds Money (the ledger adds minor
 * units under its own checks), so this arithmetic lives beside the tests that use it.
 */
final class MoneyArithmetic {

    private MoneyArithmetic() {}

    static Money plus(Money a, Money b) {
        requireSameCurrency(a, b);
        return new Money(Math.addExact(a.minorUnits(), b.minorUnits()), a.currency());
    }

    static Money minus(Money a, Money b) {
        requireSameCurrency(a, b);
        return new Money(Math.subtractExact(a.minorUnits(), b.minorUnits()), a.currency());
    }

    static boolean isNegative(Money money) {
        return money.minorUnits() < 0;
    }

    private static void requireSameCurrency(Money a, Money b) {
        if (!a.currency().equals(b.currency())) {
            throw new IllegalArgumentException("currency mismatch: " + a.currency() + " vs " + b.currency());
        }
    }
}
