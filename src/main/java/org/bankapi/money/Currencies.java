package org.bankapi.money;

import java.util.Currency;

/** ISO 4217 look-ups with the service's rules: only currencies that have a fixed number of minor units. */
public final class Currencies {

    private Currencies() {}

    /** Parses an ISO 4217 code (upper case, three letters); throws {@link InvalidAmountException} otherwise. */
    public static Currency parse(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw new InvalidAmountException("currency must be an ISO 4217 code such as EUR");
        }
        try {
            Currency currency = Currency.getInstance(code);
            if (currency.getDefaultFractionDigits() < 0
                    || currency.getNumericCode() <= 0
                    || currency.getNumericCode() >= 1000) {
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
