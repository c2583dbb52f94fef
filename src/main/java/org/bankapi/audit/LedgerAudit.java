package org.bankapi.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.ledger.TransactionPosted;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Audits every booked transaction inside the transaction that booked it (a plain, synchronous listener). */
@Component
class LedgerAudit {

    private final AuditLog audit;

    LedgerAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void on(TransactionPosted posted) {
        LedgerTransaction tx = posted.transaction();
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
        audit.succeeded("transaction." + tx.type().wireName(), "/transactions/" + tx.id(), details);
    }
}
