package org.bankapi.ledger;

import java.time.Clock;
import java.util.Currency;
import java.util.List;
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
        List<Currency> currencies = Currency.getAvailableCurrencies().stream()
                .filter(c -> c.getDefaultFractionDigits() >= 0 && c.getNumericCode() > 0 && c.getNumericCode() < 1000)
                .toList();
        repository.ensureCashAccounts(currencies, clock.instant());
    }
}
