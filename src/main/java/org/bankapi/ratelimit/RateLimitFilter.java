package org.bankapi.ratelimit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.bankapi.observability.Rehearsal;
import org.bankapi.web.MoneyPaths;
import org.bankapi.web.RequestFilter;
import org.bankapi.web.error.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * RATE_LIMIT_PER_SECOND on the money endpoints, per authenticated principal, after authentication and
 * before idempotency: {@code 429 rate_limited} with Retry-After. Shared through Redis when REDIS_URL is
 * set; 0 turns it off.
 */
public class RateLimitFilter extends RequestFilter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiter limiter;

    public RateLimitFilter(RateLimitSettings settings) {
        int rate = settings.perSecond();
        if (rate == 0) {
            limiter = null;
            log.info("Rate limit is off (RATE_LIMIT_PER_SECOND=0)");
        } else {
            LocalTokenBuckets local = new LocalTokenBuckets(rate, System::nanoTime);
            limiter = settings.redisUrl() == null ? local : new RedisTokenBuckets(settings.redisUrl(), rate, local);
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // a warm-up rehearsal is rolled back, never a money request: it must not spend a principal's tokens
        return limiter == null
                || Rehearsal.active()
                || !"POST".equals(request.getMethod())
                || !MoneyPaths.isStateChanging(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.isAuthenticated()) {
            RateLimiter.Decision decision = limiter.acquire(authentication.getName());
            if (!decision.allowed()) {
                response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
                ProblemResponses.write(
                        response, 429, "rate_limited", "too many requests; retry after the time in Retry-After");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {
        if (limiter instanceof RedisTokenBuckets redis) {
            redis.close();
        }
    }
}
