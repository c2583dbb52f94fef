package org.bankapi.cache;

import org.bankapi.ledger.BatchBooked;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Stores the balances a batch committed, with their new versions, once its database transaction has
 * committed: the engine knows them, so no query follows the commit.
 */
class BalanceRefresher {

    private final BalanceCache cache;

    BalanceRefresher(BalanceCache cache) {
        this.cache = cache;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void onCommitted(BatchBooked batch) {
        cache.committed(batch.balances().stream()
                .map(change -> new CachedBalance(change.accountId(), change.balanceMinor(), change.version()))
                .toList());
    }
}
