package org.bankapi.hold;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bankapi.ledger.Command;
import org.bankapi.web.error.ProblemException;

/** The body of POST /holds. The amount is read exactly from a JSON string or number. */
public record PlaceHoldRequest(
        @Schema(example = "4831207765012345", description = "the account whose funds are reserved")
        Long accountId,

        @Schema(example = "6021904411230077", description = "capture then books a transfer to it, else a withdrawal")
        Long targetAccountId,

        @Schema(example = "42.50", description = "a decimal string or number, positive, in the account's currency")
        String amount,

        @Schema(example = "EUR", description = "optional; must match the account's")
        String currency,

        @Schema(example = "card authorisation 7731", description = "at most 500 characters")
        String description,

        @Schema(example = "86400", description = "1 to 2,592,000; default 604,800 (7 days)")
        Long expiresInSeconds) {

    static final int DESCRIPTION_CHARS_MAX = 500;
    static final long EXPIRES_IN_SECONDS_MAX = 2_592_000;
    static final long EXPIRES_IN_SECONDS_DEFAULT = 604_800;

    /** Checks what needs no database; every field at fault is named in one 400. */
    Command.PlaceHold check(String requiredOwner) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (accountId == null) {
            errors.put("account_id", "is required");
        }
        if (description != null && description.length() > DESCRIPTION_CHARS_MAX) {
            errors.put("description", "must be at most " + DESCRIPTION_CHARS_MAX + " characters");
        }
        long seconds = expiresInSeconds == null ? EXPIRES_IN_SECONDS_DEFAULT : expiresInSeconds;
        if (seconds < 1 || seconds > EXPIRES_IN_SECONDS_MAX) {
            errors.put("expires_in_seconds", "must be from 1 to " + EXPIRES_IN_SECONDS_MAX);
        }
        Command.Amount parsed = Command.Amount.parse(amount, currency, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new Command.PlaceHold(
                accountId, targetAccountId, parsed, description, Duration.ofSeconds(seconds), requiredOwner);
    }
}
