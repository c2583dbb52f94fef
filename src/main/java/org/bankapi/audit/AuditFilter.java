package org.bankapi.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.bankapi.observability.AnsweredProblem;
import org.bankapi.observability.LogFields;
import org.bankapi.observability.Rehearsal;
import org.bankapi.web.Reply;
import org.bankapi.web.RequestFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits what the services do not audit themselves: every refused or failed state-changing request
 * (with its problem code), every refused authentication (any 401, whatever the method), and a
 * state-changing success that no service recorded in its transaction. It sits before Spring
 * Security so that it sees the 401s (bounded per second by {@link UnauthenticatedThrottle}); the
 * caller is the {@code user.id} the logging filter put in the MDC.
 */
public class AuditFilter extends RequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditLog audit;
    private final Clock clock;
    private final UnauthenticatedThrottle unauthenticated = new UnauthenticatedThrottle();
    private final Counter suppressed;

    public AuditFilter(AuditLog audit, Clock clock, MeterRegistry registry) {
        this.audit = audit;
        this.clock = clock;
        this.suppressed = Counter.builder("audit.unauthenticated.suppressed")
                .description("Refused authentications counted but not written as their own audit row (flood guard)")
                .register(registry);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (Rehearsal.active()) {
            // the warm-up's rehearsal was rolled back: nothing happened to audit
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            int status = response.getStatus();
            try {
                if (status == 401) {
                    long leftOut = unauthenticated.admit(clock.instant().getEpochSecond());
                    if (leftOut < 0) {
                        suppressed.increment();
                    } else {
                        write(
                                request,
                                "anonymous",
                                AuditEvent.REFUSED,
                                "unauthenticated",
                                leftOut == 0 ? Map.of() : Map.of("unauthenticated_left_out_before", leftOut));
                    }
                } else if (CHANGING.contains(request.getMethod())) {
                    // the caller as the log lines name it (set after authentication, cleared by the outermost filter)
                    String principal = LogFields.userId();
                    if (status >= 400) {
                        write(request, principal, status >= 500 ? AuditEvent.FAILED : AuditEvent.REFUSED, code(status));
                    } else if (AuditLog.RECORDED.get(request) == null) {
                        // a replayed Idempotency-Key moved nothing: say so, so it never reads as a second booking
                        boolean replayed = Reply.wasReplayed(response);
                        write(request, principal, AuditEvent.SUCCEEDED, replayed ? "idempotent_replay" : null);
                    }
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Could not write an audit row for a {} request: {}",
                        request.getMethod(),
                        e.getClass().getSimpleName());
            }
        }
    }

    private void write(HttpServletRequest request, String principal, String outcome, String code) {
        write(request, principal, outcome, code, Map.of());
    }

    private void write(
            HttpServletRequest request, String principal, String outcome, String code, Map<String, Object> details) {
        audit.record(new AuditEvent(
                clock.instant(),
                LogFields.requestId(),
                principal == null ? "anonymous" : principal,
                request.getMethod() + " " + request.getRequestURI(),
                request.getRequestURI(),
                outcome,
                code,
                details));
    }

    /** Every problem body notes its code in {@link AnsweredProblem}, whichever layer answered. */
    private static String code(int status) {
        String code = AnsweredProblem.code();
        return code != null ? code : "http_" + status;
    }
}
