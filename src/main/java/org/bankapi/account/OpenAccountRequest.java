package org.bankapi.account;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.bankapi.money.Currencies;
import org.bankapi.money.InvalidAmountException;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;

/**
 * The body of POST /accounts. Amounts come as a JSON string or number and are read exactly; an
 * {@code initial_deposit} of zero means none.
 */
public record OpenAccountRequest(
        String ownerId, String holderName, String email, String currency, String initialDeposit) {

    static final int OWNER_ID_CHARS_MAX = 255;
    static final int HOLDER_NAME_CHARS_MAX = 200;
    static final int EMAIL_CHARS_MAX = 254;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** The request, checked: every field at fault is named in one 400. */
    Checked check() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (ownerId == null || ownerId.isBlank()) {
            errors.put("owner_id", "is required");
        } else if (ownerId.length() > OWNER_ID_CHARS_MAX) {
            errors.put("owner_id", "must be at most " + OWNER_ID_CHARS_MAX + " characters");
        }
        if (holderName == null || holderName.isBlank()) {
            errors.put("holder_name", "is required");
        } else if (holderName.length() > HOLDER_NAME_CHARS_MAX) {
            errors.put("holder_name", "must be at most " + HOLDER_NAME_CHARS_MAX + " characters");
        }
        if (email != null
                && (email.length() > EMAIL_CHARS_MAX || !EMAIL.matcher(email).matches())) {
            errors.put("email", "must be an email address of at most " + EMAIL_CHARS_MAX + " characters");
        }
        Currency parsedCurrency = null;
        try {
            parsedCurrency = Currencies.parse(currency == null ? "EUR" : currency);
        } catch (InvalidAmountException e) {
            errors.put("currency", e.getMessage());
        }
        Money deposit = null;
        if (initialDeposit != null && parsedCurrency != null && !isZero(initialDeposit)) {
            try {
                deposit = Money.parsePositive(initialDeposit, parsedCurrency);
            } catch (InvalidAmountException e) {
                errors.put("initial_deposit", e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new Checked(ownerId, holderName, email, parsedCurrency, deposit);
    }

    /** {@code 0}, {@code "0.00"} and the like open the account with no deposit, as an absent one does. */
    private static boolean isZero(String amount) {
        try {
            return new BigDecimal(amount.trim()).signum() == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    record Checked(String ownerId, String holderName, String email, Currency currency, Money initialDeposit) {}

    @Override
    public String toString() {
        return "OpenAccountRequest[ownerId=" + ownerId + ", currency=" + currency + ", personal data redacted]";
    }
}
