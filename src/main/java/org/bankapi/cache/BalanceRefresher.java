package org.bankapi.cache;

import java.util.ArrayList;
import java.util.List;
import org.bankapi.ledger.AccountState;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.ledger.TransactionPosted;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/** Refreshes the cached balances a posting touched, once its database transaction has committed. */
class BalanceRefresher {

    private final BalanceCache cache;

    BalanceRefresher(BalanceCache cache) {
        this.cache = cache;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void onCommitted(TransactionPosted posted) {
        LedgerTransaction tx = posted.transaction();
        List<Long> touched = new ArrayList<>(2);
        if (!AccountState.isCashAccountId(tx.accountId())) {
            touched.add(tx.accountId());
        }
        if (tx.targetAccountId() != null && !AccountState.isCashAccountId(tx.targetAccountId())) {
            touched.add(tx.targetAccountId());
        }
        cache.refresh(touched);
    }
}
