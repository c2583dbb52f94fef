package org.bankapi.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bankapi.support.Api;
import org.bankapi.support.CloudTest;
import org.bankapi.support.SentinelStandIn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class SentinelTest extends CloudTest {

    @Autowired
    SentinelForwarder forwarder;

    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private long deposit() {
        Api api = api();
        String admin = azureToken(newSubject(), List.of("Admin"));
        Api.Response opened = api.as(admin)
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                newSubject(),
                                "holder_name",
                                "Sentinel Holder",
                                "email",
                                "sentinel.holder@example.com",
                                "initial_deposit",
                                "7"));
        assertThat(opened.status()).isEqualTo(201);
        return opened.json().get("id").asLong();
    }

    @Test
    void auditEventsReachSentinelInBatchesWithTheBearerToken() throws Exception {
        long account = deposit();
        eventually(() -> assertThat(SENTINEL.events).anySatisfy(e -> {
            assertThat(e.get("Action").asString()).isEqualTo("account.opened");
            assertThat(e.get("Resource").asString()).isEqualTo("/accounts/" + account);
            assertThat(e.get("TimeGenerated").asString()).isNotBlank();
        }));
        eventually(() -> assertThat(SENTINEL.events).anySatisfy(e -> {
            assertThat(e.get("EventType").asString()).isEqualTo("audit_seal");
            assertThat(e.get("Details").get("hash").asString()).hasSize(64);
        }));
        assertThat(SENTINEL.batches.get()).isPositive();
        assertThat(SENTINEL.refused.get()).isZero();
        for (JsonNode event : SENTINEL.events) {
            assertThat(event.toString())
                    .doesNotContain("Sentinel Holder")
                    .doesNotContain("sentinel.holder@example.com");
        }
    }

    @Test
    void whileSentinelFailsMoneyStillMovesAndTheQueueStaysBounded() throws Exception {
        SENTINEL.failWith(500);
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                deposit();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
            assertThat(forwarder.queueSize()).isLessThanOrEqualTo(SentinelForwarder.QUEUE_SIZE_MAX);
        } finally {
            SENTINEL.failWith(0);
        }
        long account = deposit();
        eventually(() -> assertThat(SENTINEL.events)
                .anySatisfy(e -> assertThat(e.get("Resource").asString()).isEqualTo("/accounts/" + account)));
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsThem() throws Exception {
        try (SentinelStandIn failing = new SentinelStandIn()) {
            failing.failWith(503);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            SentinelForwarder small =
                    new SentinelForwarder(URI.create(failing.endpoint()), SentinelStandIn.TOKEN, meters, 10_000);
            try {
                int sent = SentinelForwarder.QUEUE_SIZE_MAX + 2_000;
                for (int i = 0; i < sent; i++) {
                    small.forward(Map.of("TimeGenerated", Instant.now().toString(), "n", i));
                }
                assertThat(small.queueSize()).isLessThanOrEqualTo(SentinelForwarder.QUEUE_SIZE_MAX);
                assertThat(meters.counter("sentinel_events_dropped_total").count())
                        .isGreaterThanOrEqualTo(2_000 - SentinelForwarder.BATCH_SIZE_MAX);
            } finally {
                small.destroy();
            }
        }
    }
}
