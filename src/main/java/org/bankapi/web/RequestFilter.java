package org.bankapi.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The base of the service's own servlet filters. Each is registered for the request dispatch only
 * (RequestPipeline), so it runs once per request without OncePerRequestFilter's bookkeeping: three
 * request-attribute calls per filter and request, each passing through every request wrapper.
 */
public abstract class RequestFilter implements Filter {

    @Override
    public final void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http
                && response instanceof HttpServletResponse httpResponse
                && !shouldNotFilter(http)) {
            doFilterInternal(http, httpResponse, chain);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** True for a request this filter passes on untouched. */
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return false;
    }

    protected abstract void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException;
}
