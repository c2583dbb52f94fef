package org.bankapi.warmup;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.bankapi.observability.Rehearsal;
import org.bankapi.web.MoneyPaths;
import org.bankapi.web.RequestFilter;
import org.bankapi.web.error.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the warm-up's own loopback requests through as {@link Rehearsal}s: only while the warm-up runs,
 * only from a loopback address, and only with the process's random rehearsal token, which never leaves
 * the process, and only for the money requests the posting engine books (the only ones it can roll
 * back). Any other request carrying the header is refused (403, with a warning) before it can do
 * anything: a rehearsal that was not admitted must never be carried out for real.
 */
public class RehearsalFilter extends RequestFilter {

    static final String HEADER = "X-Bank-Rehearsal";

    private static final Logger log = LoggerFactory.getLogger(RehearsalFilter.class);

    private final Warmup warmup;

    public RehearsalFilter(Warmup warmup) {
        this.warmup = warmup;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(HEADER) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())
                || !MoneyPaths.bookedByEngine(request.getRequestURI())
                || !loopback(request.getRemoteAddr())
                || !warmup.admitsRehearsal(request.getHeader(HEADER))) {
            log.warn(
                    "Refused a {} {} carrying {} that is not this instance's warm-up",
                    request.getMethod(),
                    request.getRequestURI(),
                    HEADER);
            ProblemResponses.write(
                    response, 403, "forbidden", HEADER + " is for the instance's own start-up warm-up only");
            return;
        }
        try (Rehearsal.Scope ignored = Rehearsal.begin()) {
            chain.doFilter(request, response);
        }
    }

    private static boolean loopback(String address) {
        try {
            // the remote address is a literal: no name is looked up
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
