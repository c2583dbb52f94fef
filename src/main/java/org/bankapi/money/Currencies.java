package org.bankapi.money;

import java.util.Currency;
import java.util.List;

/**
 * ISO 4217 look-ups with the service's rule: a currency is supported when it has a fixed number of minor
 * units and a numeric code, because that code numbers the bank's cash account in it.
 */
public final class Currencies {

    /** The highest ISO 4217 numeric code: cash account ids are 1 to this, customer ids lie above. */
    public static final int NUMERIC_CODE_MAX = 999;

    private Currencies() {}

    public static boolean isSupported(Currency currency) {
        return currency.getDefaultFractionDigits() >= 0
                && currency.getNumericCode() > 0
                && currency.getNumericCode() <= NUMERIC_CODE_MAX;
    }

    /** Every currency the JDK knows that the service supports. */
    public static List<Currency> supported() {
        return Currency.getAvailableCurrencies().stream()
                .filter(Currencies::isSupported)
                .toList();
    }

    /** Parses an ISO 4217 code (upper case, three letters); throws {@link InvalidAmountException} otherwise. */
    public static Currency parse(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw new InvalidAmountException("currency must be an ISO 4217 code such as EUR");
        }
        try {
            Currency currency = Currency.getInstance(code);
            if (!isSupported(currency)) {
                throw new InvalidAmountException("currency " + code + " has no minor unit and is not supported");
            }
            return currency;
        } catch (IllegalArgumentException e) {
            throw new InvalidAmountException("unknown currency " + code);
        }
    }

    public static int fractionDigits(Currency currency) {
        return currency.getDefaultFractionDigits();
    }
}
