package org.bankapi.hold;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.bankapi.ledger.Hold;
import org.bankapi.money.Money;

/** A hold as the API shows it, with its status as of the moment it is shown (a hold past its expiry is expired). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HoldView(long id, long accountId, Long targetAccountId, String amount, String currency, String status,
                       String capturedAmount, String description, Instant expiresAt, Instant createdAt, Long transactionId) {

    static HoldView of(Hold hold, Instant now) {
        String captured = hold.capturedMinor() == null ? null
                : Money.ofMinor(hold.capturedMinor(), hold.amount().currency()).toPlainString();
        return new HoldView(hold.id(), hold.accountId(), hold.targetAccountId(), hold.amount().toPlainString(),
                hold.amount().currency().getCurrencyCode(), hold.statusAt(now).wireName(), captured, hold.description(),
                hold.expiresAt(), hold.createdAt(), hold.transactionId());
    }
}
