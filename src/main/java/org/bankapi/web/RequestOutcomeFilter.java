package org.bankapi.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.bankapi.observability.AnsweredProblem;
import org.bankapi.observability.LogFields;
import org.bankapi.observability.Rehearsal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Counts every problem response by code ({@code api_errors_total{code,status}}), whichever layer
 * answered (controller advice, security, body limit, idempotency, rate limit), and logs one
 * structured line for it. Runs just inside the request-id filter so every refusal carries the id.
 */
public class RequestOutcomeFilter extends RequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RequestOutcomeFilter.class);

    private final MeterRegistry registry;

    public RequestOutcomeFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        AnsweredProblem.take();
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            String code = AnsweredProblem.take();
            int status = failed ? 500 : response.getStatus();
            if (code == null && failed) {
                code = "internal_error";
            }
            if (code != null && status >= 400 && !Rehearsal.active()) {
                refused(request, code, status);
            }
            MDC.remove(LogFields.USER_ID);
        }
    }

    private void refused(HttpServletRequest request, String code, int status) {
        Counter.builder("api.errors")
                .description("Problem responses by code and HTTP status")
                .tag("code", code)
                .tag("status", Integer.toString(status))
                .register(registry)
                .increment();
        var line = status >= 500 ? log.atWarn() : log.atInfo();
        line.addKeyValue("event.action", "request-refused")
                .addKeyValue("error.code", code)
                .addKeyValue("http.response.status_code", status)
                .addKeyValue("http.request.method", request.getMethod())
                .addKeyValue("url.path", request.getRequestURI())
                .log("Request refused: {} {} -> {} {}", request.getMethod(), request.getRequestURI(), status, code);
    }
}
