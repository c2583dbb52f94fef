package org.bankapi.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.bankapi.web.error.ProblemResponses;

/**
 * The {@code consume} process runs the fraud consumer alone: its HTTP port serves only health and
 * metrics (for the orchestrator and Prometheus), never the money API.
 */
public class ConsumeModeFilter extends RequestFilter {

    static boolean operational(String path) {
        return path.equals("/health") || path.startsWith("/health/") || path.equals("/metrics");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if ("GET".equals(request.getMethod()) && operational(request.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        ProblemResponses.write(response, 404, "not_found", "the consume process serves only /health and /metrics");
    }
}
