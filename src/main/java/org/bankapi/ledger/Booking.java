package org.bankapi.ledger;

import java.util.Map;

/**
 * What one command booked: its transaction (none for an account opened without a deposit), the
 * account it named, and the committed balance of every customer account it touched.
 */
public record Booking(LedgerTransaction transaction, long accountId, Map<Long, Long> balancesAfter) {
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
