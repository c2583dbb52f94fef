package org.bankapi.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service with a small limit, shared through a real Redis with "another instance" (a second limiter on the same Redis). */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "JWT_SECRET_KEY=" + ApiTest.JWT_SECRET,
            "BANK_DATA_DIR=target/test-data",
            "RATE_LIMIT_PER_SECOND=2",
            // the buckets refill by elapsed time: no start-up warm-up competing for the CPU with the burst
            "bank.warmup.ms-max=0"
        })
class RateLimitApiTest {

    static final EmbeddedRedis REDIS;

    static {
        try {
            REDIS = new EmbeddedRedis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", EmbeddedDatabase::jdbcUrl);
        registry.add("REDIS_URL", () -> REDIS.url().toString());
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    private Api api() {
        return new Api("http://localhost:" + port, ApiTest.JWT_SECRET.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesABurstAboveTheLimitWith429AndRetryAfter() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, null);
        String customer = api.token(owner, "customer");
        List<Api.Response> responses = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Api.Response>> burst = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                burst.add(pool.submit(() -> bank.deposit(customer, account, "1")));
            }
            for (var f : burst) {
                responses.add(f.get());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Api.Response limited = responses.stream()
                .filter(r -> r.status() == 429)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 429 among " + responses));
        assertThat(limited.code()).isEqualTo("rate_limited");
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(responses.stream().filter(r -> r.status() == 201).count()).isBetween(4L, 8L);
        assertThat(api.as(customer).get("/accounts/" + account).status())
                .as("reads are not limited")
                .isEqualTo(200);
    }

    @Test
    void anotherInstanceOnTheSameRedisDrawsFromTheSameBucket() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, null);
        String customer = api.token(owner, "customer");
        Api.Response refused = null;
        // on a busy machine the bucket may refill (2 a second) between the drain and the request: then try again
        for (int attempt = 1; attempt <= 5; attempt++) {
            try (RedisTokenBuckets otherInstance =
                    new RedisTokenBuckets(REDIS.url(), 2, new LocalTokenBuckets(2, System::nanoTime))) {
                while (otherInstance.acquire(owner).allowed()) {
                    // drain the principal's shared bucket from the other instance
                }
            }
            long drainedNanos = System.nanoTime();
            refused = bank.deposit(customer, account, "1");
            if (refused.status() == 429 || System.nanoTime() - drainedNanos < 400_000_000L) {
                break;
            }
        }
        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
    }
}
