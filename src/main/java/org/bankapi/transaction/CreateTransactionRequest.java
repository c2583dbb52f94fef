package org.bankapi.transaction;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.TransactionType;
import org.bankapi.web.error.ProblemException;

/** The body of POST /transactions. The amount is read exactly from a JSON string or number. */
public record CreateTransactionRequest(
        String type, Long accountId, Long targetAccountId, String amount, String currency, String description) {

    static final int DESCRIPTION_CHARS_MAX = 500;

    /**
     * Checks the fields that need no database: every field at fault is named in one 400. The
     * currency, when given, is checked against the account's under its lock by the posting engine,
     * and so are the amount's fraction digits when the account's currency is meant.
     */
    Checked check() {
        Map<String, String> errors = new LinkedHashMap<>();
        TransactionType parsedType = null;
        if (type == null) {
            errors.put("type", "is required");
        } else {
            try {
                parsedType = TransactionType.fromWire(type);
                if (parsedType == TransactionType.REVERSAL) {
                    errors.put("type", "reversals are made with POST /transactions/{id}/reverse");
                }
            } catch (IllegalArgumentException e) {
                errors.put("type", "must be deposit, withdrawal or transfer");
            }
        }
        if (accountId == null) {
            errors.put("account_id", "is required");
        }
        if (parsedType == TransactionType.TRANSFER && targetAccountId == null) {
            errors.put("target_account_id", "is required for a transfer");
        }
        if (parsedType != null && parsedType != TransactionType.TRANSFER && targetAccountId != null) {
            errors.put("target_account_id", "goes with transfers only");
        }
        if (description != null && description.length() > DESCRIPTION_CHARS_MAX) {
            errors.put("description", "must be at most " + DESCRIPTION_CHARS_MAX + " characters");
        }
        Command.Amount parsed = Command.Amount.parse(amount, currency, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new Checked(parsedType, accountId, targetAccountId, parsed, description);
    }

    record Checked(
            TransactionType type, long accountId, Long targetAccountId, Command.Amount amount, String description) {}
}
