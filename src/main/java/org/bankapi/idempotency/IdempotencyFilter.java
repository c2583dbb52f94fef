package org.bankapi.idempotency;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.bankapi.crypto.Sha256;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.ledger.KeyClaims;
import org.bankapi.ledger.StoredReply;
import org.bankapi.web.CachedBodyRequest;
import org.bankapi.web.MoneyPaths;
import org.bankapi.web.Reply;
import org.bankapi.web.RequestFilter;
import org.bankapi.web.TransientFailures;
import org.bankapi.web.error.ProblemException;
import org.bankapi.web.error.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Idempotency-Key for the POSTs that change state. Money requests (open, move, reverse, holds) hand their
 * claim to the posting engine, which claims the key and stores the response in the batch that books
 * them. Other changes (close) are claimed, handled and stored here in one database transaction. Either
 * way the key and the change commit together or not at all, and a refused request (4xx) leaves no key.
 */
public class IdempotencyFilter extends RequestFilter {

    static final String HEADER = "Idempotency-Key";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    private final KeyClaims keys;
    private final TransactionTemplate inTransaction;
    private final Clock clock;

    public IdempotencyFilter(KeyClaims keys, TransactionTemplate inTransaction, Clock clock) {
        this.keys = keys;
        this.inTransaction = inTransaction;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null) {
            return true;
        }
        return !MoneyPaths.isStateChanging(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        byte[] body = CachedBodyRequest.bodyOf(request);
        if (authentication == null || !authentication.isAuthenticated() || body == null) {
            chain.doFilter(request, response);
            return;
        }
        IdempotencyKey key;
        try {
            key = new IdempotencyKey(request.getHeader(HEADER));
        } catch (ProblemException e) {
            ProblemResponses.write(
                    response, 400, e.code(), "Idempotency-Key must be 1 to 255 printable ASCII characters");
            return;
        }
        IdempotencyClaim claim = new IdempotencyClaim(
                authentication.getName(), key.value(), hash(request.getMethod(), request.getRequestURI(), body));
        if (MoneyPaths.bookedByEngine(request.getRequestURI())) {
            IdempotencyClaim.ATTRIBUTE.set(request, claim);
            chain.doFilter(request, response);
            return;
        }
        handleInOneTransaction(claim, request, response, chain);
    }

    private void handleInOneTransaction(
            IdempotencyClaim claim, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
        StoredReply earlier;
        try {
            earlier = inTransaction.execute(tx -> {
                StoredReply stored = keys.claim(List.of(claim), clock.instant()).get(claim.id());
                if (stored != null) {
                    return stored;
                }
                try {
                    chain.doFilter(request, buffered);
                } catch (IOException | ServletException e) {
                    throw new IllegalStateException(e);
                }
                if (buffered.getStatus() >= 200 && buffered.getStatus() < 300) {
                    keys.complete(List.of(new KeyClaims.Completed(
                            claim,
                            buffered.getStatus(),
                            buffered.getContentType(),
                            buffered.getHeader(HttpHeaders.LOCATION),
                            buffered.getContentAsByteArray())));
                } else {
                    tx.setRollbackOnly();
                }
                return null;
            });
        } catch (RuntimeException e) {
            buffered.resetBuffer();
            if (TransientFailures.isTransient(e)) {
                ProblemResponses.writeTemporarilyUnavailable(response);
                log.warn("Idempotent request not applied: {}", TransientFailures.summary(e));
                return;
            }
            if (!response.isCommitted()) {
                response.reset();
                ProblemResponses.write(response, 500, "internal_error", "the request failed; it was not applied");
            }
            log.error("Idempotent request failed", e);
            return;
        }
        if (earlier == null) {
            buffered.copyBodyToResponse();
            return;
        }
        if (!claim.sameRequest(earlier.requestHash())) {
            ProblemResponses.write(
                    response,
                    409,
                    "idempotency_conflict",
                    "this Idempotency-Key was used with another request; use a new key");
            return;
        }
        Reply.writeReplay(earlier.status(), earlier.contentType(), earlier.location(), earlier.body(), response);
    }

    static byte[] hash(String method, String path, byte[] body) {
        return Sha256.of((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8), body);
    }
}
