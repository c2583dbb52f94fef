package org.bankapi.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RedisTokenBucketsTest {

    @Test
    void twoInstancesSharingOneRedisEnforceOneLimit() throws Exception {
        try (EmbeddedRedis redis = new EmbeddedRedis();
                RedisTokenBuckets first =
                        new RedisTokenBuckets(redis.url(), 5, new LocalTokenBuckets(5, System::nanoTime));
                RedisTokenBuckets second =
                        new RedisTokenBuckets(redis.url(), 5, new LocalTokenBuckets(5, System::nanoTime))) {
            String principal = "alice-" + UUID.randomUUID();
            int allowed = 0;
            RateLimiter.Decision refused = null;
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                RateLimiter.Decision decision = (i % 2 == 0 ? first : second).acquire(principal);
                if (decision.allowed()) {
                    allowed++;
                } else if (refused == null) {
                    refused = decision;
                }
            }
            // a burst of 2 x 5 between both instances, plus what refills at 5/s while the loop runs; not 2 x 10
            double elapsedSeconds = (System.nanoTime() - started) / 1e9;
            assertThat(allowed).isBetween(10, 10 + (int) Math.ceil(5 * elapsedSeconds) + 1);
            assertThat(allowed).isLessThan(20);
            assertThat(refused).isNotNull();
            assertThat(refused.retryAfterMs()).isBetween(1L, 200L);
            assertThat(refused.retryAfterSeconds()).isEqualTo(1);
            assertThat(first.acquire("bob-" + UUID.randomUUID()).allowed())
                    .as("another principal has its own bucket")
                    .isTrue();
        }
    }

    @Test
    void failsOpenToTheInProcessLimitWhenRedisIsDown() throws Exception {
        try (EmbeddedRedis redis = new EmbeddedRedis();
                RedisTokenBuckets limiter =
                        new RedisTokenBuckets(redis.url(), 1, new LocalTokenBuckets(1, System::nanoTime))) {
            String principal = "carol-" + UUID.randomUUID();
            assertThat(limiter.acquire(principal).allowed()).isTrue();
            redis.stop();
            long started = System.nanoTime();
            assertThat(limiter.acquire(principal).allowed())
                    .as("the local bucket is fresh")
                    .isTrue();
            assertThat(limiter.acquire(principal).allowed()).isTrue();
            assertThat(limiter.acquire(principal).allowed())
                    .as("still limited, in process")
                    .isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void localBucketsRefillAtTheRateUpToTwiceIt() {
        long[] now = {0};
        LocalTokenBuckets buckets = new LocalTokenBuckets(2, () -> now[0]);
        for (int i = 0; i < 4; i++) {
            assertThat(buckets.acquire("p").allowed()).isTrue();
        }
        RateLimiter.Decision refused = buckets.acquire("p");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMs()).isEqualTo(500);
        now[0] += 500_000_000L;
        assertThat(buckets.acquire("p").allowed()).isTrue();
        assertThat(buckets.acquire("p").allowed()).isFalse();
        now[0] += 60_000_000_000L;
        for (int i = 0; i < 4; i++) {
            assertThat(buckets.acquire("p").allowed()).isTrue();
        }
        assertThat(buckets.acquire("p").allowed()).isFalse();
    }
}
