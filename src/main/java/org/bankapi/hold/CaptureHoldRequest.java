package org.bankapi.hold;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import org.bankapi.money.InvalidAmountException;
import org.bankapi.money.Money;
import org.bankapi.web.error.ProblemException;

/** The optional body of POST /holds/{id}/capture: how much to capture (default: the whole hold). */
public record CaptureHoldRequest(
        @Schema(example = "30.00", description = "at most the held amount; the rest is released")
        String amount) {

    /** The amount as a positive decimal, or null for the whole hold; its digits are checked against the hold's currency. */
    BigDecimal checkedAmount() {
        if (amount == null) {
            return null;
        }
        try {
            return Money.parseAmount(amount);
        } catch (InvalidAmountException e) {
            throw ProblemException.validation("amount", e.getMessage());
        }
    }
}
