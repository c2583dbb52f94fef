package org.bankapi.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bankapi.db.SqlArrays;
import org.bankapi.observability.LogFields;
import org.bankapi.web.RequestKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends audit rows in the caller's database transaction (so a change and its audit row commit
 * together or not at all) and hands them to Sentinel after the commit. The row gets no hash here:
 * the {@link AuditSealer} chains committed rows afterwards, so no request waits for another's hash.
 */
@Service
public class AuditLog {

    /** Set on a request once its change has been audited inside its transaction; the audit filter then adds no row. */
    static final RequestKey<Boolean> RECORDED = RequestKey.of(AuditLog.class, "recorded", Boolean.class);

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
        record(new AuditEvent(
                clock.instant(),
                LogFields.requestId(),
                currentPrincipal(),
                action,
                resource,
                AuditEvent.SUCCEEDED,
                null,
                details));
        markRecorded();
    }

    /**
     * Notes on the current request (on its own thread) that its change was audited in the
     * transaction that made it, by whichever thread booked it; the audit filter then adds no row.
     */
    public void markRecorded() {
        RECORDED.setOnCurrentRequest(Boolean.TRUE);
    }

    public void record(AuditEvent event) {
        recordAll(List.of(event));
    }

    /** Appends the rows in one statement, in the current transaction when there is one; Sentinel gets them after its commit. */
    public void recordAll(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<AuditEvent> stored = events.stream()
                .map(event -> new AuditEvent(
                        event.occurredAt().truncatedTo(ChronoUnit.MICROS),
                        event.requestId(),
                        event.principal(),
                        event.action(),
                        event.resource(),
                        event.outcome(),
                        event.code(),
                        event.details()))
                .toList();
        int inserted = jdbc.sql("""
                INSERT INTO audit_log (occurred_at, request_id, principal, action, resource, outcome, code, details)
                SELECT v.at, v.request, v.principal, v.action, v.resource, v.outcome, v.code, v.details
                  FROM unnest(:at, :request, :principal, :action, :resource, :outcome, :code, :details)
                       WITH ORDINALITY AS v(at, request, principal, action, resource, outcome, code, details, ord)
                 ORDER BY v.ord""")
                .param(
                        "at",
                        SqlArrays.timestamps(
                                stored.stream().map(AuditEvent::occurredAt).toArray(Instant[]::new)))
                .param("request", texts(stored, AuditEvent::requestId))
                .param("principal", texts(stored, AuditEvent::principal))
                .param("action", texts(stored, AuditEvent::action))
                .param("resource", texts(stored, AuditEvent::resource))
                .param("outcome", texts(stored, AuditEvent::outcome))
                .param("code", texts(stored, AuditEvent::code))
                .param("details", texts(stored, e -> JSON.writeValueAsString(e.details())))
                .update();
        if (inserted != stored.size()) {
            throw new IllegalStateException("appended " + inserted + " of " + stored.size() + " audit rows");
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    stored.forEach(e -> forwarder.forward(e.asMap()));
                }
            });
        } else {
            stored.forEach(e -> forwarder.forward(e.asMap()));
        }
    }

    private static AbstractSqlTypeValue texts(List<AuditEvent> events, Function<AuditEvent, String> column) {
        return SqlArrays.texts(events.stream().map(column).toArray(String[]::new));
    }

    static String currentPrincipal() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null || !authentication.isAuthenticated() ? "system" : authentication.getName();
    }
}
