package org.bankapi.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.bankapi.web.RequestIdFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Audits what the services do not audit themselves: every refused or failed state-changing request
 * (with its problem code), every refused authentication (any 401, whatever the method), and a
 * state-changing success that no service recorded in its transaction. Refused authentications
 * are bounded per second ({@link UnauthenticatedThrottle}) so that a flood of bad tokens stays cheap. It sits before Spring Security
 * so that it sees the 401s; {@link PrincipalCapture}, after it, notes who the caller was.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    static final String PRINCIPAL = AuditFilter.class.getName() + ".principal";
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final JsonMapper JSON = JsonMapper.builder().build();

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
        boolean changing = CHANGING.contains(request.getMethod());
        ContentCachingResponseWrapper buffered = changing ? new ContentCachingResponseWrapper(response) : null;
        try {
            chain.doFilter(request, buffered != null ? buffered : response);
        } finally {
            int status = buffered != null ? buffered.getStatus() : response.getStatus();
            try {
                if (status == 401) {
                    long leftOut = unauthenticated.admit(clock.instant().getEpochSecond());
                    if (leftOut < 0) {
                        suppressed.increment();
                    } else {
                        write(request, "anonymous", AuditEvent.REFUSED, "unauthenticated",
                                leftOut == 0 ? Map.of() : Map.of("unauthenticated_left_out_before", leftOut));
                    }
                } else if (changing) {
                    String principal = (String) request.getAttribute(PRINCIPAL);
                    if (status >= 400) {
                        write(request, principal, status >= 500 ? AuditEvent.FAILED : AuditEvent.REFUSED, code(buffered, status));
                    } else if (request.getAttribute(AuditLog.RECORDED) == null) {
                        // a replayed Idempotency-Key moved nothing: say so, so it never reads as a second booking
                        boolean replayed = "true".equals(buffered.getHeader("Idempotent-Replayed"));
                        write(request, principal, AuditEvent.SUCCEEDED, replayed ? "idempotent_replay" : null);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Could not write an audit row for a {} request: {}", request.getMethod(), e.getClass().getSimpleName());
            }
            if (buffered != null) {
                buffered.copyBodyToResponse();
            }
        }
    }

    private void write(HttpServletRequest request, String principal, String outcome, String code) {
        write(request, principal, outcome, code, Map.of());
    }

    private void write(HttpServletRequest request, String principal, String outcome, String code, Map<String, Object> details) {
        audit.record(new AuditEvent(clock.instant(), MDC.get(RequestIdFilter.MDC_KEY), principal == null ? "anonymous" : principal,
                request.getMethod() + " " + request.getRequestURI(), request.getRequestURI(), outcome, code, details));
    }

    private static String code(ContentCachingResponseWrapper buffered, int status) {
        try {
            JsonNode body = JSON.readTree(buffered.getContentAsByteArray());
            JsonNode code = body.path("code");
            if (code.isString() && code.asString().matches("[a-z_]{1,64}")) {
                return code.asString();
            }
        } catch (RuntimeException ignored) {
            // not a problem body: fall back to the status
        }
        return "http_" + status;
    }

    /** Runs after authentication and notes the caller for the audit row written after the response. */
    @Component
    @Order(-50)
    static class PrincipalCapture extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            request.setAttribute(PRINCIPAL, AuditLog.currentPrincipal());
            chain.doFilter(request, response);
        }
    }
}
