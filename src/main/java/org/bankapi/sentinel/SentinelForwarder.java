package org.bankapi.sentinel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.bankapi.audit.AuditForwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forwards audit events and fraud alerts to Microsoft Sentinel through the Azure Monitor Logs
 * ingestion API: JSON arrays POSTed to SENTINEL_ENDPOINT with {@code Authorization: Bearer SENTINEL_TOKEN},
 * in batches, from one background thread, with exponential backoff. The queue is bounded: when the
 * endpoint stays down, the oldest events are dropped and counted, and no request ever waits or fails.
 */
@Component
public class SentinelForwarder implements AuditForwarder, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SentinelForwarder.class);
    public static final int QUEUE_SIZE_MAX = 10_000;
    static final int BATCH_SIZE_MAX = 500;
    static final int ATTEMPTS_MAX = 5;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI endpoint;
    private final String token;
    private final Deque<Map<String, Object>> queue = new ArrayDeque<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Counter dropped;
    private final Counter sent;
    private final Counter failedBatches;
    private final long backoffBaseMs;
    private final Thread worker;
    private volatile boolean running = true;

    @Autowired
    public SentinelForwarder(SentinelSettings settings, MeterRegistry meters) {
        this(settings.endpoint(), settings.token(), meters, 500);
    }

    SentinelForwarder(URI endpoint, String token, MeterRegistry meters, long backoffBaseMs) {
        this.endpoint = endpoint;
        this.token = token;
        this.backoffBaseMs = backoffBaseMs;
        this.dropped = Counter.builder("sentinel_events_dropped_total")
                .description("events dropped because the queue was full")
                .register(meters);
        this.sent = Counter.builder("sentinel_events_sent_total").register(meters);
        this.failedBatches = Counter.builder("sentinel_batches_failed_total").register(meters);
        Gauge.builder("sentinel_queue_size", this, SentinelForwarder::queueSize).register(meters);
        if (endpoint != null) {
            worker = Thread.ofVirtual().name("sentinel-forwarder").start(this::run);
            log.info("Forwarding audit events to Sentinel at {}", endpoint.getHost());
        } else {
            worker = null;
        }
    }

    /** Queues the event; never blocks. Events without {@code TimeGenerated} are refused loudly. */
    @Override
    public void forward(Map<String, Object> event) {
        if (endpoint == null) {
            return;
        }
        if (!event.containsKey("TimeGenerated")) {
            throw new IllegalArgumentException("a Sentinel event needs TimeGenerated");
        }
        synchronized (queue) {
            if (queue.size() >= QUEUE_SIZE_MAX) {
                queue.pollFirst();
                dropped.increment();
            }
            queue.addLast(event);
            queue.notifyAll();
        }
    }

    public int queueSize() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void run() {
        while (running) {
            List<Map<String, Object>> batch = new ArrayList<>();
            synchronized (queue) {
                while (queue.isEmpty() && running) {
                    try {
                        queue.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                while (!queue.isEmpty() && batch.size() < BATCH_SIZE_MAX) {
                    batch.add(queue.pollFirst());
                }
            }
            if (!batch.isEmpty() && !send(batch)) {
                failedBatches.increment();
                log.warn(
                        "Sentinel did not take {} events after {} attempts; they are dropped (the audit log keeps them)",
                        batch.size(),
                        ATTEMPTS_MAX);
            }
        }
    }

    private boolean send(List<Map<String, Object>> batch) {
        byte[] body = JSON.writeValueAsBytes(batch);
        for (int attempt = 1; attempt <= ATTEMPTS_MAX && running; attempt++) {
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(endpoint)
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    sent.increment(batch.size());
                    return true;
                }
                log.warn(
                        "Sentinel answered {} to a batch of {} events (attempt {})",
                        response.statusCode(),
                        batch.size(),
                        attempt);
            } catch (IOException e) {
                log.warn(
                        "Sentinel unreachable (attempt {}): {}",
                        attempt,
                        e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(Math.min(backoffBaseMs << (attempt - 1), 30_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void destroy() {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
