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
import org.bankapi.observability.LogFields;
import org.bankapi.web.ProblemResponses;
import org.bankapi.web.Reply;
import org.bankapi.web.RequestIdFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Audits what the services do not audit themselves: every refused or failed state-changing request
 * (with its problem code), every refused authentication (any 401, whatever the method), and a
 * state-changing success that no service recorded in its transaction. It sits before Spring
 * Security so that it sees the 401s (bounded per second by {@link UnauthenticatedThrottle}); the
 * caller is the {@code user.id} the logging filter put in the MDC.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditLog audit;
    private final Clock clock;
    private final UnauthenticatedThrottle unauthenticated = new UnauthenticatedThrottle();
    private final Counter suppressed;

    AuditFilter(AuditLog audit, Clock clock, MeterRegistry registry) {
        this.audit = audit;
        this.clock = clock;
        this.suppressed = Counter.builder("audit.unauthenticated.suppressed")
                .description("Refused authentications counted but not written as their own audit row (flood guard)")
                .register(registry);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
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
                    String principal = MDC.get(LogFields.USER_ID);
                    if (status >= 400) {
                        write(request, principal, status >= 500 ? AuditEvent.FAILED : AuditEvent.REFUSED, code(status));
                    } else if (request.getAttribute(AuditLog.RECORDED) == null) {
                        // a replayed Idempotency-Key moved nothing: say so, so it never reads as a second booking
                        boolean replayed = "true".equals(response.getHeader(Reply.REPLAYED_HEADER));
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
                MDC.get(RequestIdFilter.MDC_KEY),
                principal == null ? "anonymous" : principal,
                request.getMethod() + " " + request.getRequestURI(),
                request.getRequestURI(),
                outcome,
                code,
                details));
    }

    /** Every problem body passes through {@link ProblemResponses}, which notes its code on this thread. */
    private static String code(int status) {
        String code = ProblemResponses.answeredCode();
        return code != null ? code : "http_" + status;
    }
}
