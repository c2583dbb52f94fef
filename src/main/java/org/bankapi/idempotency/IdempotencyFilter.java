package org.bankapi.idempotency;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.regex.Pattern;
import org.bankapi.problem.ProblemException;
import org.bankapi.web.CachedBodyRequest;
import org.bankapi.web.ProblemResponses;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.WebUtils;

/**
 * Idempotency-Key for the POSTs that change state (open, close, move, reverse). The key is claimed, the request handled and its
 * response stored in one database transaction, so the key and the money movement commit together or
 * not at all; a refused request (4xx) rolls back and leaves no key. The response reaches the client
 * only after the commit.
 */
@Component
@Order(0)
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final Pattern PATHS = Pattern.compile("/accounts|/accounts/[0-9]+/close|/transactions|/transactions/[0-9]+/reverse");

    private final IdempotencyRepository repository;
    private final TransactionTemplate transactions;
    private final Clock clock;

    IdempotencyFilter(IdempotencyRepository repository, TransactionTemplate transactions, Clock clock) {
        this.repository = repository;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null
                || !PATHS.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        CachedBodyRequest cached = WebUtils.getNativeRequest(request, CachedBodyRequest.class);
        if (authentication == null || !authentication.isAuthenticated() || cached == null) {
            chain.doFilter(request, response);
            return;
        }
        IdempotencyKey key;
        try {
            key = new IdempotencyKey(request.getHeader(HEADER));
        } catch (ProblemException e) {
            ProblemResponses.write(response, 400, e.code(), "Idempotency-Key must be 1 to 255 printable ASCII characters");
            return;
        }
        String principal = authentication.getName();
        byte[] hash = hash(request.getMethod(), request.getRequestURI(), cached.body());
        ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
        Outcome outcome;
        try {
            outcome = transactions.execute(tx -> {
                if (!repository.claim(principal, key, hash, clock.instant())) {
                    return Outcome.replay(repository.find(principal, key).orElseThrow());
                }
                try {
                    chain.doFilter(request, buffered);
                } catch (IOException | ServletException e) {
                    throw new IllegalStateException(e);
                }
                if (buffered.getStatus() >= 200 && buffered.getStatus() < 300) {
                    repository.complete(principal, key, new IdempotencyRepository.StoredResponse(hash, buffered.getStatus(),
                            buffered.getContentType(), buffered.getHeader(HttpHeaders.LOCATION), buffered.getContentAsByteArray()));
                } else {
                    tx.setRollbackOnly();
                }
                return Outcome.handled();
            });
        } catch (RuntimeException e) {
            buffered.resetBuffer();
            if (org.bankapi.web.TransientFailures.isTransient(e)) {
                ProblemResponses.writeTemporarilyUnavailable(response);
                logger.warn("Idempotent request not applied: " + org.bankapi.web.TransientFailures.summary(e));
                return;
            }
            if (!response.isCommitted()) {
                response.reset();
                ProblemResponses.write(response, 500, "internal_error", "the request failed; it was not applied");
            }
            logger.error("Idempotent request failed", e);
            return;
        }
        if (outcome.stored() == null) {
            buffered.copyBodyToResponse();
            return;
        }
        replay(outcome.stored(), hash, response);
    }

    private static void replay(IdempotencyRepository.StoredResponse stored, byte[] hash, HttpServletResponse response)
            throws IOException {
        if (!MessageDigest.isEqual(stored.requestHash(), hash)) {
            ProblemResponses.write(response, 409, "idempotency_conflict",
                    "this Idempotency-Key was used with another request; use a new key");
            return;
        }
        response.setStatus(stored.status());
        response.setHeader(REPLAYED, "true");
        if (stored.contentType() != null) {
            response.setContentType(stored.contentType());
        }
        if (stored.location() != null) {
            response.setHeader(HttpHeaders.LOCATION, stored.location());
        }
        response.getOutputStream().write(stored.body());
    }

    static byte[] hash(String method, String path, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(body);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Outcome(IdempotencyRepository.StoredResponse stored) {
        static Outcome replay(IdempotencyRepository.StoredResponse stored) {
            return new Outcome(stored);
        }

        static Outcome handled() {
            return new Outcome(null);
        }
    }
}
