package org.bankapi.transaction;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.bankapi.ledger.LedgerTransaction;

/** A transaction as the API shows it; {@code reverses} only on reversals, {@code hold_id} only on captures. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TransactionView(
        long id,
        String type,
        String status,
        String amount,
        String currency,
        long accountId,
        Long targetAccountId,
        String description,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long reverses,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long holdId) {

    public static TransactionView of(LedgerTransaction tx) {
        return new TransactionView(
                tx.id(),
                tx.type().wireName(),
                tx.status().wireName(),
                tx.amount().toPlainString(),
                tx.amount().currency().getCurrencyCode(),
                tx.accountId(),
                tx.targetAccountId(),
                tx.description(),
                tx.reverses(),
                tx.createdAt(),
                tx.holdId());
    }
}
