package org.bankapi.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.bankapi.observability.LogFields;
import org.slf4j.MDC;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Puts the authenticated principal ({@code sub}) in the MDC as {@code user.id}, so every later log line
 * of the request names it (and the audit filter, after the chain returns); the outcome filter clears it.
 */
public class PrincipalLogFilter extends RequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.isAuthenticated()) {
            MDC.put(LogFields.USER_ID, authentication.getName());
        }
        chain.doFilter(request, response);
    }
}
