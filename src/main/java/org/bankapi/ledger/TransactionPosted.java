package org.bankapi.ledger;

/**
 * Published inside the database transaction that booked {@code transaction}, so that listeners
 * (the outbox, the audit log) write in the same commit; after-commit listeners see only committed ones.
 */
public record TransactionPosted(LedgerTransaction transaction) {
}
