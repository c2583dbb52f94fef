package org.bankapi.ledger;

import org.bankapi.money.Money;

/** One movement of money from one account to another: the unit the posting rules check and book. */
public record Movement(long fromAccountId, long toAccountId, Money amount) {

    public Movement {
        if (amount.minorUnits() <= 0) {
            throw new IllegalArgumentException("a movement moves a positive amount, not " + amount);
        }
    }
}
