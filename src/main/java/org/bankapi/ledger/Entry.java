package org.bankapi.ledger;

/**
 * One ledger entry: the signed change of one account's balance, in minor units, and the account's
 * balance once it is applied ({@code balanceAfterMinor}); null for the bank's cash accounts, whose
 * balance is the sum of their entries (a running figure would serialise every deposit on one row).
 */
public record Entry(long accountId, long amountMinor, Long balanceAfterMinor) {
    public Entry {
        if (amountMinor == 0) {
            throw new IllegalArgumentException("an entry never moves zero");
        }
        if (AccountState.isCashAccountId(accountId) != (balanceAfterMinor == null)) {
            throw new IllegalArgumentException(
                    "entry of account " + accountId + ": a running balance goes with customer accounts only");
        }
        if (balanceAfterMinor != null && balanceAfterMinor < 0) {
            throw new IllegalArgumentException("entry of account " + accountId + " takes it below zero");
        }
    }
}
