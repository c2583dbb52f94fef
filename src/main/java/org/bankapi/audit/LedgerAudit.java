package org.bankapi.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bankapi.ledger.BatchBooked;
import org.bankapi.ledger.LedgerTransaction;
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
        List<AuditEvent> rows = batch.transactions().stream().map(booked -> {
            LedgerTransaction tx = booked.transaction();
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
            return new AuditEvent(batch.bookedAt(), booked.origin().requestId(), booked.origin().principal(),
                    "transaction." + tx.type().wireName(), "/transactions/" + tx.id(), AuditEvent.SUCCEEDED, null, details);
        }).toList();
        audit.recordAll(rows);
    }
}
