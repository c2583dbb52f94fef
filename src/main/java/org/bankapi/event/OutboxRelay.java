package org.bankapi.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes pending outbox rows to Kafka in id order, in bounded batches: inside one database
 * transaction it takes the relay lease (an advisory lock, so with several instances one publishes
 * at a time and an account's events keep their order), locks the oldest pending rows, sends them
 * with the idempotent producer, waits for the acknowledgements and marks the acknowledged rows
 * published. While Kafka is away it backs off exponentially; money requests never wait for it.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    public static final int BATCH_SIZE_MAX = 500;
    static final Duration IDLE_POLL = Duration.ofMillis(200);
    static final Duration BACKOFF_MIN = Duration.ofMillis(200);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final OutboxRepository outbox;
    private final KafkaClients kafka;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Counter published;
    private final Semaphore work = new Semaphore(0);
    private volatile CountDownLatch stopping = new CountDownLatch(0);
    private final String clientId = "bank-outbox-relay-" + INSTANCES.incrementAndGet();
    private volatile boolean running;
    private volatile Thread thread;
    private Producer<String, String> producer;
    private boolean topicsReady;
    private boolean outage;

    OutboxRelay(OutboxRepository outbox, KafkaClients kafka, TransactionTemplate transactions, Clock clock,
                MeterRegistry registry) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.transactions = transactions;
        this.clock = clock;
        this.published = Counter.builder("outbox.events.published")
                .description("Outbox events acknowledged by Kafka")
                .register(registry);
    }

    /** Signals that new rows were committed. */
    public void wake() {
        work.release();
    }

    @Override
    public synchronized void start() {
        if (running || !kafka.relayEnabled()) {
            return;
        }
        running = true;
        stopping = new CountDownLatch(1);
        thread = Thread.ofPlatform().daemon().name(clientId).start(this::loop);
        log.info("Outbox relay started, publishing to topic {}", kafka.topic());
    }

    @Override
    public void stop() {
        Thread current;
        synchronized (this) {
            running = false;
            current = thread;
            thread = null;
        }
        stopping.countDown();
        work.release();
        if (current != null) {
            try {
                if (!current.join(Duration.ofSeconds(20))) {
                    current.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        Duration backoff = BACKOFF_MIN;
        try {
            while (running) {
                Pass pass;
                try {
                    pass = relayOnce();
                } catch (RuntimeException e) {
                    pass = Pass.failure(e);
                }
                if (pass.failure() != null) {
                    if (!outage) {
                        log.warn("Outbox relay cannot publish ({}); retrying with backoff, events stay in the outbox",
                                pass.failure().toString());
                        outage = true;
                    }
                    closeProducer();
                    stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                    backoff = backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : backoff.multipliedBy(2);
                    continue;
                }
                if (outage) {
                    log.info("Outbox relay publishes again");
                    outage = false;
                }
                backoff = BACKOFF_MIN;
                if (pass.published() < BATCH_SIZE_MAX) {
                    work.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                    work.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeProducer();
        }
    }

    /**
     * One pass: publishes at most {@link #BATCH_SIZE_MAX} rows and returns how many; a pass that
     * could not publish everything it locked reports the failure, keeping the rest pending.
     */
    Pass relayOnce() {
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.producerProperties(clientId));
        }
        if (!topicsReady) {
            topicsReady = kafka.ensureTopics();
        }
        Pass pass = transactions.execute(status -> {
            if (!outbox.tryRelayLease()) {
                return Pass.idle();
            }
            List<OutboxRepository.OutboxRow> rows = outbox.lockPending(BATCH_SIZE_MAX);
            if (rows.isEmpty()) {
                return Pass.idle();
            }
            List<Future<RecordMetadata>> sends = new ArrayList<>(rows.size());
            RuntimeException failure = null;
            for (OutboxRepository.OutboxRow row : rows) {
                try {
                    ProducerRecord<String, String> record = new ProducerRecord<>(kafka.topic(), row.key(), row.payload());
                    record.headers().add(new RecordHeader("event_id", row.eventId().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    sends.add(producer.send(record));
                } catch (RuntimeException e) {
                    failure = e;
                    break;
                }
            }
            producer.flush();
            long[] acknowledged = new long[sends.size()];
            int count = 0;
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get();
                    acknowledged[count++] = rows.get(i).id();
                } catch (java.util.concurrent.ExecutionException e) {
                    // later rows are left pending too, so one account's events are never marked out of order
                    failure = failure != null ? failure : new IllegalStateException(e.getCause().toString(), e.getCause());
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = failure != null ? failure : new IllegalStateException("interrupted while waiting for Kafka");
                    break;
                }
            }
            outbox.markPublished(java.util.Arrays.copyOf(acknowledged, count), clock.instant());
            return new Pass(count, failure);
        });
        if (pass.published() > 0) {
            published.increment(pass.published());
        }
        return pass;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // a producer that cannot reach its broker may fail to close cleanly
            }
            producer = null;
            topicsReady = false;
        }
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** The outcome of one pass. */
    record Pass(int published, RuntimeException failure) {
        static Pass idle() {
            return new Pass(0, null);
        }

        static Pass failure(RuntimeException e) {
            return new Pass(0, e);
        }
    }
}
