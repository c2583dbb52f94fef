package org.bankapi.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bankapi.ledger.BatchBooked;
import org.bankapi.ledger.Hold;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.ledger.Origin;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Audits every booked transaction inside the batch transaction that booked it (a plain, synchronous
 * listener), one row each, all in one statement; each row names the principal and request that asked.
 */
@Component
class LedgerAudit {

    private final AuditLog audit;

    LedgerAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void on(BatchBooked batch) {
        List<AuditEvent> rows = new ArrayList<>();
        for (BatchBooked.Booked booked : batch.bookings()) {
            if (booked.transaction() != null) {
                rows.add(transactionRow(booked.transaction(), booked.origin(), batch.bookedAt()));
            }
            if (booked.hold() != null) {
                rows.add(holdRow(booked.hold(), booked.holdEvent(), booked.origin(), batch.bookedAt()));
            }
        }
        audit.recordAll(rows);
    }

    private static AuditEvent transactionRow(LedgerTransaction tx, Origin origin, Instant at) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", tx.type().wireName());
        details.put("amount", tx.amount().toPlainString());
        details.put("currency", tx.amount().currency().getCurrencyCode());
        details.put("account_id", tx.accountId());
        if (tx.targetAccountId() != null) {
            details.put("target_account_id", tx.targetAccountId());
        }
        if (tx.reverses() != null) {
            details.put("reverses", tx.reverses());
        }
        if (tx.holdId() != null) {
            details.put("hold_id", tx.holdId());
        }
        return new AuditEvent(
                at,
                origin.requestId(),
                origin.principal(),
                "transaction." + tx.type().wireName(),
                "/transactions/" + tx.id(),
                AuditEvent.SUCCEEDED,
                null,
                details);
    }

    private static AuditEvent holdRow(Hold hold, String event, Origin origin, Instant at) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("amount", hold.amount().toPlainString());
        details.put("currency", hold.amount().currency().getCurrencyCode());
        details.put("account_id", hold.accountId());
        if (hold.targetAccountId() != null) {
            details.put("target_account_id", hold.targetAccountId());
        }
        if (hold.capturedMinor() != null) {
            details.put("captured_minor", hold.capturedMinor());
            details.put("transaction_id", hold.transactionId());
        }
        return new AuditEvent(
                at,
                origin.requestId(),
                origin.principal(),
                event,
                "/holds/" + hold.id(),
                AuditEvent.SUCCEEDED,
                null,
                details);
    }
}
