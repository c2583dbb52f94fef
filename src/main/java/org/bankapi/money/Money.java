package org.bankapi.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount of one currency, held as integer minor units so that no arithmetic on money
 * ever rounds. Constructed only through checks, so a Money in hand is always a valid amount.
 */
public record Money(long minorUnits, Currency currency) {

    /** The largest amount one transaction may move, in major units: 1,000,000,000,000 (README, "API overview"). */
    public static final BigDecimal AMOUNT_MAX = new BigDecimal("1000000000000");

    public Money {
        Objects.requireNonNull(currency, "currency");
        if (Currencies.fractionDigits(currency) < 0) {
            throw new IllegalArgumentException("currency without minor units: " + currency);
        }
    }

    /**
     * Parses a client-supplied amount: positive, at most the currency's fraction digits, at most
     * {@link #AMOUNT_MAX}. Throws {@link InvalidAmountException} naming the rule broken.
     */
    public static Money parsePositive(String text, Currency currency) {
        return ofPositive(parseAmount(text), currency);
    }

    /**
     * Reads a client-supplied amount before its currency is known: a positive decimal of at most
     * {@link #AMOUNT_MAX}; its fraction digits are checked once it meets its currency.
     */
    public static BigDecimal parseAmount(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidAmountException("amount is required");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidAmountException("amount must be a decimal number");
        }
        checkRange(value);
        return value;
    }

    public static Money ofPositive(BigDecimal value, Currency currency) {
        checkRange(value);
        int digits = Currencies.fractionDigits(currency);
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > digits) {
            throw new InvalidAmountException(
                    "amount has more than " + digits + " fraction digits for " + currency.getCurrencyCode());
        }
        return new Money(
                value.movePointRight(digits)
                        .setScale(0, RoundingMode.UNNECESSARY)
                        .longValueExact(),
                currency);
    }

    private static void checkRange(BigDecimal value) {
        if (value.signum() <= 0) {
            throw new InvalidAmountException("amount must be greater than zero");
        }
        if (value.compareTo(AMOUNT_MAX) > 0) {
            throw new InvalidAmountException("amount must be at most " + AMOUNT_MAX.toPlainString());
        }
    }

    public static Money ofMinor(long minorUnits, Currency currency) {
        return new Money(minorUnits, currency);
    }

    /** The decimal with exactly the currency's minor-unit digits, as the API shows it ("1250.00"). */
    public BigDecimal toDecimal() {
        return BigDecimal.valueOf(minorUnits, Currencies.fractionDigits(currency));
    }

    public String toPlainString() {
        return toDecimal().toPlainString();
    }

    @Override
    public String toString() {
        return toPlainString() + " " + currency.getCurrencyCode();
    }
}
