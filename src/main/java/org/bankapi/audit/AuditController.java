package org.bankapi.audit;

import java.util.Map;
import org.bankapi.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /audit/verify} (admin): recomputes the audit chain. */
@RestController
class AuditController {

    private final AuditVerifier verifier;

    AuditController(AuditVerifier verifier) {
        this.verifier = verifier;
    }

    @GetMapping("/audit/verify")
    Map<String, Object> verify() {
        Caller.current().requireAdmin();
        return verifier.verify();
    }
}
