package org.bankapi.ledger;

import java.time.Clock;
import org.bankapi.money.Currencies;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/** Creates the bank's cash account of every supported currency at start-up, before any posting. */
@Component
class CashAccounts implements SmartInitializingSingleton {

    private final LedgerRepository repository;
    private final Clock clock;

    CashAccounts(LedgerRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        repository.ensureCashAccounts(Currencies.supported(), clock.instant());
    }
}
