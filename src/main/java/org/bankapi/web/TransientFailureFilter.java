package org.bankapi.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.bankapi.web.error.ApiExceptionHandler;
import org.bankapi.web.error.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last guard for transient database failures that escape a filter rather than a controller
 * (which {@link ApiExceptionHandler} answers): they become the same 503 with Retry-After instead of
 * the servlet container's 500.
 */
public class TransientFailureFilter extends RequestFilter {

    private static final Logger log = LoggerFactory.getLogger(TransientFailureFilter.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (!TransientFailures.isTransient(e) || response.isCommitted()) {
                throw e;
            }
            log.warn(
                    "Transient database failure on {} {}: {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    TransientFailures.summary(e));
            ProblemResponses.writeTemporarilyUnavailable(response);
        }
    }
}
