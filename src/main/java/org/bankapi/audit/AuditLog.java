package org.bankapi.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.bankapi.web.RequestIdFilter;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends audit rows in the caller's database transaction (so a change and its audit row commit
 * together or not at all) and hands them to Sentinel after the commit. The row gets no hash here:
 * the {@link AuditSealer} chains committed rows afterwards, so no request waits for another's hash.
 */
@Service
public class AuditLog {

    /** Request attribute set once a request's change has been audited inside its transaction. */
    static final String RECORDED = AuditLog.class.getName() + ".recorded";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditForwarder forwarder;

    public AuditLog(JdbcClient jdbc, Clock clock, AuditForwarder forwarder) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.forwarder = forwarder;
    }

    /** Records a successful change by the current caller, in the current transaction when there is one. */
    public void succeeded(String action, String resource, Map<String, Object> details) {
        record(new AuditEvent(clock.instant(), MDC.get(RequestIdFilter.MDC_KEY), currentPrincipal(), action, resource,
                AuditEvent.SUCCEEDED, null, details));
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(RECORDED, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
        }
    }

    public void record(AuditEvent event) {
        AuditEvent stored = new AuditEvent(event.occurredAt().truncatedTo(ChronoUnit.MICROS), event.requestId(),
                event.principal(), event.action(), event.resource(), event.outcome(), event.code(), event.details());
        jdbc.sql("""
                INSERT INTO audit_log (occurred_at, request_id, principal, action, resource, outcome, code, details)
                VALUES (:at, :request, :principal, :action, :resource, :outcome, :code, :details)""")
                .param("at", Timestamp.from(stored.occurredAt()))
                .param("request", stored.requestId())
                .param("principal", stored.principal())
                .param("action", stored.action())
                .param("resource", stored.resource())
                .param("outcome", stored.outcome())
                .param("code", stored.code())
                .param("details", JSON.writeValueAsString(stored.details()))
                .update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    forwarder.forward(stored.asMap());
                }
            });
        } else {
            forwarder.forward(stored.asMap());
        }
    }

    static String currentPrincipal() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null || !authentication.isAuthenticated() ? "system" : authentication.getName();
    }
}
