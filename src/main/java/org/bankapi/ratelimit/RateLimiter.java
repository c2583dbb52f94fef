package org.bankapi.ratelimit;

/** A token bucket per principal: {@code ratePerSecond} tokens a second, bursts of twice that. */
public interface RateLimiter {

    /** Takes one token for the principal; when none is left, says how long until one is. */
    Decision acquire(String principal);

    record Decision(boolean allowed, long retryAfterMs) {
        static final Decision ALLOWED = new Decision(true, 0);

        /** Whole seconds for the Retry-After header, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMs + 999) / 1000);
        }
    }
}
