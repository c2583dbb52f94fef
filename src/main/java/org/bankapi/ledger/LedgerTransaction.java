package org.bankapi.ledger;

import java.time.Instant;
import org.bankapi.money.Money;

/**
 * A booked transaction as the ledger holds it. {@code accountId} is the account the client named:
 * the one credited by a deposit, debited by a withdrawal, paying in a transfer.
 */
public record LedgerTransaction(
        long id,
        TransactionType type,
        TransactionStatus status,
        Money amount,
        long accountId,
        Long targetAccountId,
        String description,
        Long reverses,
        Instant createdAt,
        Long holdId) {

    public LedgerTransaction {
        if (status == null) {
            throw new IllegalStateException("transaction " + id + " has no status");
        }
        if (amount.minorUnits() <= 0) {
            throw new IllegalStateException("transaction " + id + " moves a non-positive amount: ledger corrupt");
        }
        if (holdId != null && type != TransactionType.WITHDRAWAL && type != TransactionType.TRANSFER) {
            throw new IllegalStateException("transaction " + id + " of type " + type + " captures hold " + holdId);
        }
        if ((type == TransactionType.REVERSAL) != (reverses != null)) {
            throw new IllegalStateException("transaction " + id + " of type " + type + " with reverses=" + reverses);
        }
    }

    public LedgerTransaction(
            long id,
            TransactionType type,
            TransactionStatus status,
            Money amount,
            long accountId,
            Long targetAccountId,
            String description,
            Long reverses,
            Instant createdAt) {
        this(id, type, status, amount, accountId, targetAccountId, description, reverses, createdAt, null);
    }

    /** The same transaction with the id the database gave it. */
    LedgerTransaction withId(long newId) {
        return new LedgerTransaction(
                newId, type, status, amount, accountId, targetAccountId, description, reverses, createdAt, holdId);
    }

    /** The movement this transaction booked: cash to account for a deposit, account to cash for a withdrawal. */
    Movement movement() {
        long cash = AccountState.cashAccountId(amount.currency());
        return switch (type) {
            case DEPOSIT -> new Movement(cash, accountId, amount);
            case WITHDRAWAL -> new Movement(accountId, cash, amount);
            case TRANSFER -> new Movement(accountId, targetAccountId, amount);
            case REVERSAL -> throw new IllegalStateException("a reversal's movement depends on the original");
        };
    }
}
