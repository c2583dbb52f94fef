package org.bankapi.hold;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import org.bankapi.ledger.Hold;
import org.bankapi.money.Money;

/** A hold as the API shows it, with its status as of the moment it is shown (a hold past its expiry is expired). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HoldView(
        @Schema(example = "9120") long id,
        @Schema(example = "4831207765012345") long accountId,
        @Schema(example = "6021904411230077") Long targetAccountId,
        @Schema(example = "42.50") String amount,
        @Schema(example = "EUR") String currency,

        @Schema(
                example = "pending",
                allowableValues = {"pending", "captured", "voided", "expired"})
        String status,

        @Schema(example = "30.00", description = "once captured")
        String capturedAmount,

        @Schema(example = "card authorisation 7731") String description,
        @Schema(example = "2026-12-08T21:00:00Z") Instant expiresAt,
        @Schema(example = "2026-12-01T21:00:00Z") Instant createdAt,

        @Schema(example = "81234", description = "the capture's transaction, once captured")
        Long transactionId) {

    static HoldView of(Hold hold, Instant now) {
        String captured = hold.capturedMinor() == null
                ? null
                : Money.ofMinor(hold.capturedMinor(), hold.amount().currency()).toPlainString();
        return new HoldView(
                hold.id(),
                hold.accountId(),
                hold.targetAccountId(),
                hold.amount().toPlainString(),
                hold.amount().currency().getCurrencyCode(),
                hold.statusAt(now).wireName(),
                captured,
                hold.description(),
                hold.expiresAt(),
                hold.createdAt(),
                hold.transactionId());
    }
}
