package org.bankapi.ledger;

import java.time.Instant;

/** One ledger entry of an account with what a statement shows of its transaction; amounts in minor units, signed. */
public record StatementEntry(
        long entryId,
        long transactionId,
        String type,
        long amountMinor,
        long balanceAfterMinor,
        String description,
        Instant createdAt) {}
