package org.bankapi.ledger;

import java.util.Currency;
import org.bankapi.money.Currencies;

/**
 * What the posting rules need to know of one account, read under its row lock: its balance and the
 * sum of its pending, unexpired holds ({@code heldMinor}); the available balance is their difference.
 * Cash accounts are the bank's side of deposits and withdrawals; their balance is the sum of their entries.
 */
public record AccountState(
        long id, String ownerId, Currency currency, long balanceMinor, long heldMinor, boolean open, boolean cash) {

    public AccountState {
        if (!cash && balanceMinor < 0) {
            throw new IllegalStateException(
                    "account " + id + " has a negative balance " + balanceMinor + ": ledger corrupt");
        }
        if (heldMinor < 0 || (!cash && heldMinor > balanceMinor)) {
            throw new IllegalStateException("account " + id + " holds " + heldMinor + " of a balance of " + balanceMinor
                    + ": available balance negative, ledger corrupt");
        }
        if (!open && balanceMinor != 0) {
            throw new IllegalStateException("closed account " + id + " holds " + balanceMinor + ": ledger corrupt");
        }
    }

    public long availableMinor() {
        return balanceMinor - heldMinor;
    }

    public AccountState withBalance(long newBalanceMinor) {
        return new AccountState(id, ownerId, currency, newBalanceMinor, heldMinor, open, cash);
    }

    public AccountState withHeld(long newHeldMinor) {
        return new AccountState(id, ownerId, currency, balanceMinor, newHeldMinor, open, cash);
    }

    /** The bank's cash account for a currency: numbered by its ISO 4217 numeric code, always open. */
    public static AccountState cashAccount(Currency currency) {
        return new AccountState(cashAccountId(currency), "bank", currency, 0, 0, true, true);
    }

    public static long cashAccountId(Currency currency) {
        if (!Currencies.isSupported(currency)) {
            throw new IllegalArgumentException("currency " + currency + " is not supported: it has no cash account");
        }
        return currency.getNumericCode();
    }

    public static boolean isCashAccountId(long id) {
        return id > 0 && id <= Currencies.NUMERIC_CODE_MAX;
    }
}
