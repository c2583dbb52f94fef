package org.bankapi.ledger;

/** One ledger entry: the signed change of one account's balance, in minor units. */
public record Entry(long accountId, long amountMinor) {
    public Entry {
        if (amountMinor == 0) {
            throw new IllegalArgumentException("an entry never moves zero");
        }
    }
}
