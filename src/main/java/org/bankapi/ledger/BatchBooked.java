package org.bankapi.ledger;

import java.time.Instant;
import java.util.List;

/**
 * Published inside the database transaction of a batch, so that listeners (the outbox, the audit
 * log) write their rows in the same commit, each with one statement for the whole batch;
 * after-commit listeners (metrics, the balance cache, the relay) see only committed batches.
 */
public record BatchBooked(List<Booked> transactions, List<BalanceChange> balances, Instant bookedAt) {

    public BatchBooked {
        transactions = List.copyOf(transactions);
        balances = List.copyOf(balances);
    }

    /** A booked transaction and who asked for it. */
    public record Booked(LedgerTransaction transaction, Origin origin) {
    }

    /** A customer balance as this batch committed it, with the row's new balance_version. */
    public record BalanceChange(long accountId, long balanceMinor, long version) {
    }
}
