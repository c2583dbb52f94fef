package org.bankapi.ledger;

import java.time.Instant;
import java.util.Currency;
import org.bankapi.crypto.SealedPersonalData;
import org.bankapi.crypto.StoredDataKey;
import org.bankapi.money.Money;

/**
 * A customer account as stored: personal data still sealed, with its data key as stored (null: none)
 * and the sum of its pending holds not yet expired.
 */
public record AccountRow(
        long id,
        String ownerId,
        SealedPersonalData personalData,
        Currency currency,
        long balanceMinor,
        long activeHeldMinor,
        AccountStatus status,
        Instant createdAt,
        StoredDataKey dataKey) {

    public AccountRow {
        if (balanceMinor < 0) {
            throw new IllegalStateException("account " + id + " has a negative balance: ledger corrupt");
        }
        if (activeHeldMinor < 0 || activeHeldMinor > balanceMinor) {
            throw new IllegalStateException("account " + id + " holds " + activeHeldMinor + " of " + balanceMinor
                    + ": available balance negative, ledger corrupt");
        }
        if (status == AccountStatus.CLOSED && balanceMinor != 0) {
            throw new IllegalStateException("closed account " + id + " holds money: ledger corrupt");
        }
    }

    public Money balance() {
        return Money.ofMinor(balanceMinor, currency);
    }
}
