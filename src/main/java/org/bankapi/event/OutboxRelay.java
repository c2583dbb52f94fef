package org.bankapi.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the outbox to Kafka exactly once and in id order, so that money requests never wait for a
 * broker. The pass, the lease and the take-over protocol: docs/events.md, "The outbox".
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    public static final int BATCH_SIZE_MAX = 500;
    static final Duration IDLE_POLL = Duration.ofMillis(200);
    static final Duration BACKOFF_MIN = Duration.ofMillis(200);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final RelayLease lease;
    private final OutboxRepository outbox;
    private final KafkaClients kafka;
    private final TransactionTemplate inTransaction;
    private final Clock clock;
    private final Counter published;
    private final Semaphore work = new Semaphore(0);
    private volatile CountDownLatch stopping = new CountDownLatch(0);
    private final String clientId = "bank-outbox-relay-" + INSTANCES.incrementAndGet();
    private volatile boolean running;
    private volatile Thread thread;
    /** Live only between a successful take-over and the next failure: a relay without one takes over first. */
    private Producer<String, String> producer;

    private long nextBatch;
    private volatile Stage crashAt;
    private boolean topicsReady;
    private boolean outage;

    OutboxRelay(
            OutboxRepository outbox,
            KafkaClients kafka,
            TransactionTemplate inTransaction,
            Clock clock,
            MeterRegistry registry,
            DataSource dataSource) {
        this.lease = new RelayLease(dataSource);
        this.outbox = outbox;
        this.kafka = kafka;
        this.inTransaction = inTransaction;
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
        } else {
            closeProducer(); // a relay driven by hand (tests) owns its producer on the caller's thread
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
                if (!lease.hold()) {
                    // another instance publishes: a producer kept here would only be fenced
                    closeProducer();
                    stopping.await(RelayLease.RETRY.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                Pass pass;
                try {
                    pass = relayOnce();
                } catch (RuntimeException e) {
                    pass = Pass.failure(e);
                }
                if (pass.failure() != null) {
                    if (!outage) {
                        log.warn(
                                "Outbox relay cannot publish ({}); retrying with backoff, events stay in the outbox",
                                pass.failure().toString());
                        outage = true;
                    }
                    closeProducer();
                    stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                    backoff =
                            backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : backoff.multipliedBy(2);
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
            lease.release();
        }
    }

    /**
     * One pass: under the lease, publishes at most {@link #BATCH_SIZE_MAX} pending rows in id order
     * as one Kafka transaction and marks them published; returns how many. A relay without a live
     * producer first takes over ({@link #takeOver}). Any failure leaves the rows pending and throws
     * or reports it; the caller then drops the producer, so the next pass takes over afresh.
     */
    Pass relayOnce() {
        if (!topicsReady) {
            topicsReady = kafka.ensureTopics();
        }
        Pass pass = inTransaction.execute(status -> {
            if (!outbox.tryRelayLease()) {
                return Pass.idle();
            }
            List<OutboxRepository.OutboxRow> rows = outbox.lockPending(BATCH_SIZE_MAX);
            if (rows.isEmpty()) {
                return Pass.idle();
            }
            for (int attempt = 1; ; attempt++) {
                if (producer == null) {
                    rows = takeOver(rows);
                    if (rows.isEmpty()) {
                        return Pass.idle();
                    }
                }
                try {
                    publish(rows);
                    break;
                } catch (SimulatedCrash e) {
                    throw e;
                } catch (RuntimeException e) {
                    abortQuietly();
                    closeProducer();
                    if (!fenced(e) || attempt > 1) {
                        throw e;
                    }
                    // another relay published since this one's producer started: take over again, at once
                    log.info("Outbox relay producer was fenced by another relay; taking over again");
                }
            }
            crash(Stage.AFTER_KAFKA_COMMIT);
            outbox.markPublished(ids(rows), clock.instant());
            return new Pass(rows.size(), null);
        });
        if (pass.published() > 0) {
            published.increment(pass.published());
        }
        return pass;
    }

    /**
     * Starts a transactional producer (which fences every earlier one with the same transactional.id
     * and completes or aborts its open transaction), reads what the last committed transaction holds
     * and marks those rows published; returns the locked rows still to send.
     */
    private List<OutboxRepository.OutboxRow> takeOver(List<OutboxRepository.OutboxRow> rows) {
        Producer<String, String> started = new KafkaProducer<>(kafka.transactionalProducerProperties(clientId));
        LastRelayTransaction last;
        try {
            started.initTransactions();
            last = LastRelayTransaction.read(kafka, clientId + "-reader");
        } catch (RuntimeException e) {
            closeQuietly(started);
            throw e;
        }
        int marked = outbox.markPublishedIfPending(last.outboxIds(), clock.instant());
        if (marked > 0) {
            log.info(
                    "Outbox relay took over: {} events of the last committed Kafka transaction (batch {}) were on the topic "
                            + "but not marked; marked them published without sending them again",
                    marked,
                    last.batch());
        }
        nextBatch = last.batch() + 1;
        producer = started;
        Set<Long> sent = new HashSet<>();
        for (long id : last.outboxIds()) {
            sent.add(id);
        }
        return rows.stream().filter(row -> !sent.contains(row.id())).toList();
    }

    /** Sends the rows, in id order, as one Kafka transaction and commits it. */
    private void publish(List<OutboxRepository.OutboxRow> rows) {
        long batch = nextBatch;
        byte[] batchHeader = Long.toString(batch).getBytes(StandardCharsets.UTF_8);
        producer.beginTransaction();
        for (int i = 0; i < rows.size(); i++) {
            OutboxRepository.OutboxRow row = rows.get(i);
            ProducerRecord<String, String> record = new ProducerRecord<>(kafka.topic(), row.key(), row.payload());
            record.headers()
                    .add(new RecordHeader("event_id", row.eventId().toString().getBytes(StandardCharsets.UTF_8)));
            record.headers()
                    .add(new RecordHeader(
                            LastRelayTransaction.OUTBOX_ID,
                            Long.toString(row.id()).getBytes(StandardCharsets.UTF_8)));
            record.headers().add(new RecordHeader(LastRelayTransaction.BATCH, batchHeader));
            if (i == rows.size() - 1) {
                record.headers()
                        .add(new RecordHeader(
                                LastRelayTransaction.BATCH_IDS,
                                IdRanges.encode(ids(rows)).getBytes(StandardCharsets.UTF_8)));
            }
            producer.send(record);
        }
        if (crashAt == Stage.BEFORE_KAFKA_COMMIT) {
            producer.flush();
            crash(Stage.BEFORE_KAFKA_COMMIT);
        }
        producer.commitTransaction();
        nextBatch = batch + 1;
    }

    private static long[] ids(List<OutboxRepository.OutboxRow> rows) {
        return rows.stream().mapToLong(OutboxRepository.OutboxRow::id).toArray();
    }

    private static boolean fenced(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    /** For tests: the next pass fails at {@code stage}, as a relay killed there would (once). */
    void crashAt(Stage stage) {
        crashAt = stage;
    }

    private void crash(Stage stage) {
        if (crashAt == stage) {
            crashAt = null;
            throw new SimulatedCrash(stage);
        }
    }

    private void abortQuietly() {
        if (producer != null) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // fenced or broken: the next relay's initTransactions aborts the open transaction
            }
        }
    }

    private void closeProducer() {
        if (producer != null) {
            closeQuietly(producer);
            producer = null;
            topicsReady = false;
        }
    }

    private static void closeQuietly(Producer<String, String> producer) {
        try {
            producer.close(Duration.ofSeconds(2));
        } catch (RuntimeException ignored) {
            // a producer that cannot reach its broker may fail to close cleanly
        }
    }

    /** Where a test makes a pass fail. */
    enum Stage {
        BEFORE_KAFKA_COMMIT,
        AFTER_KAFKA_COMMIT
    }

    /** The failure {@link #crashAt} injects. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(Stage stage) {
            super("simulated relay crash " + stage);
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
