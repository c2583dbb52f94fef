package org.bankapi.ledger;

import java.util.Map;

/**
 * What one command booked: its transaction (none for an account opened without a deposit, nor for a
 * hold placed, voided or expired), the hold it changed if any, the account it named, and the balance
 * of every customer account it touched, as this command left it.
 */
public record Booking(LedgerTransaction transaction, Hold hold, long accountId, Map<Long, Long> balancesAfter) {
    public Booking {
        balancesAfter = Map.copyOf(balancesAfter);
    }

    public long balanceOf(long id) {
        Long balance = balancesAfter.get(id);
        if (balance == null) {
            throw new IllegalStateException("booking of account " + accountId + " did not touch account " + id);
        }
        return balance;
    }
}
