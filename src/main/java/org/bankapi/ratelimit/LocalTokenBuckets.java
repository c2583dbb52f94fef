package org.bankapi.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** In-process token buckets: the limit of one instance (used without REDIS_URL, and while Redis is down). */
public final class LocalTokenBuckets implements RateLimiter {

    static final int BUCKETS_MAX = 100_000;

    private final double ratePerSecond;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public LocalTokenBuckets(int ratePerSecond, LongSupplier nanoTime) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.capacity = 2.0 * ratePerSecond;
        this.nanoTime = nanoTime;
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    @Override
    public Decision acquire(String principal) {
        long now = nanoTime.getAsLong();
        if (buckets.size() >= BUCKETS_MAX) {
            evictFull(now);
        }
        Bucket bucket = buckets.computeIfAbsent(principal, p -> new Bucket(capacity, now));
        synchronized (bucket) {
            double elapsedSeconds = Math.max(0, now - bucket.updatedNanos) / 1e9;
            bucket.tokens = Math.min(capacity, bucket.tokens + elapsedSeconds * ratePerSecond);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Decision.ALLOWED;
            }
            return new Decision(false, (long) Math.ceil((1 - bucket.tokens) * 1000 / ratePerSecond));
        }
    }

    /** A bucket that would be full again holds no state worth keeping. */
    private void evictFull(long now) {
        long refillNanos = (long) (capacity / ratePerSecond * 1e9);
        buckets.entrySet().removeIf(e -> now - e.getValue().updatedNanos > refillNanos);
    }
}
