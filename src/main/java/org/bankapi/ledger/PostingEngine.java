package org.bankapi.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.bankapi.observability.Rehearsal;
import org.bankapi.web.TransientFailures;
import org.bankapi.web.error.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The only way money moves: a group-commit writer, so that one lock pass and one commit serve every
 * request waiting, and a caller is answered only once its batch committed. How batches form, split
 * and fail: README, "The posting engine (group commit)".
 */
@Service
public class PostingEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PostingEngine.class);
    /** a batch that lost a key or a deadlock to another transaction three times in a row is split like a failed one */
    static final int REBOOKS_MAX = 3;

    private final BatchWriter writer;
    private final int batchSizeMax;
    private final int writers;
    private final BlockingQueue<Pending> queue;
    private final DistributionSummary batchSizes;
    private final Timer batchTimes;
    private final Counter splits;
    private final Counter rebooks;
    private final Counter rejected;
    private volatile boolean running;
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();

    @Autowired
    PostingEngine(BatchWriter writer, MeterRegistry registry, PostingSettings posting) {
        this(writer, registry, posting.batchSizeMax(), posting.queueSizeMax(), posting.writers());
    }

    PostingEngine(BatchWriter writer, MeterRegistry registry, int batchSizeMax, int queueSizeMax, int writers) {
        if (batchSizeMax < 1 || queueSizeMax < 1 || writers < 1) {
            throw new IllegalArgumentException(
                    "bank.posting.batch-size-max, queue-size-max and writers must be positive");
        }
        this.writer = writer;
        this.batchSizeMax = batchSizeMax;
        this.writers = writers;
        this.queue = new ArrayBlockingQueue<>(queueSizeMax);
        this.batchSizes = DistributionSummary.builder("posting.batch.size")
                .description("Money requests booked per database transaction")
                .register(registry);
        this.batchTimes = Timer.builder("posting.batch.duration")
                .description("Time to book and commit one batch")
                .register(registry);
        this.splits = Counter.builder("posting.batch.splits")
                .description("Batches split in two after a database failure")
                .register(registry);
        this.rebooks = Counter.builder("posting.batch.rebooks")
                .description(
                        "Batches booked again after a concurrent transaction stored one of their Idempotency-Keys or PostgreSQL aborted them to break a deadlock")
                .register(registry);
        this.rejected = Counter.builder("posting.rejected")
                .description("Money requests refused with 503 because the queue was full")
                .register(registry);
        Gauge.builder("posting.queue.depth", queue, BlockingQueue::size)
                .description("Money requests waiting for the writer")
                .register(registry);
    }

    /**
     * Books the submission in the next batch and waits for its commit. Throws the refusal a rule
     * gave ({@link ProblemException}), {@code 503 temporarily_unavailable} when the queue is full, or
     * the database failure that stopped the booking (nothing was applied). A {@link Rehearsal} is booked
     * on the caller's thread, alone, and rolled back.
     */
    public Outcome submit(Submission submission) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(
                    "the posting engine books in its own transaction: do not call it inside one");
        }
        if (Rehearsal.active()) {
            if (closed) {
                throw busy();
            }
            BatchWriter.Result result = writer.rehearse(submission);
            if (result.refusal() != null) {
                throw result.refusal();
            }
            return result.outcome();
        }
        try {
            return enqueue(submission).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Queues the submission without waiting: for work that is not a client's request (the hold
     * sweeper), which submits many at once and then collects their outcomes.
     */
    public CompletableFuture<Outcome> enqueue(Submission submission) {
        Pending pending = new Pending(submission);
        if (closed || !queue.offer(pending)) {
            rejected.increment();
            pending.result.completeExceptionally(busy());
        }
        return pending.result;
    }

    private static ProblemException busy() {
        return new ProblemException(
                503, "temporarily_unavailable", "the service is busy; the request was not applied; retry it");
    }

    private void loop() {
        Deque<Pending> carried = new ArrayDeque<>();
        while (running || !carried.isEmpty() || !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>();
            Set<IdempotencyClaim.Id> keys = new HashSet<>();
            Deque<Pending> later = new ArrayDeque<>();
            while (!carried.isEmpty() && batch.size() < batchSizeMax) {
                take(carried.poll(), batch, keys, later);
            }
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    take(first, batch, keys, later);
                }
                List<Pending> waiting = new ArrayList<>();
                queue.drainTo(waiting, batchSizeMax - batch.size());
                waiting.forEach(p -> take(p, batch, keys, later));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            carried.addAll(later);
            if (!batch.isEmpty()) {
                try {
                    book(batch);
                } catch (Throwable e) {
                    // the writer must outlive any failure: a dead writer would leave every later request waiting
                    log.error("Posting engine failed a batch of {}", batch.size(), e);
                    batch.forEach(p -> p.result.completeExceptionally(e));
                }
            }
            if (Thread.currentThread().isInterrupted() && !running) {
                break;
            }
        }
    }

    /** A second request with a key already in this batch waits for the next one, where it is a replay. */
    private static void take(
            Pending pending, List<Pending> batch, Set<IdempotencyClaim.Id> keys, Deque<Pending> later) {
        IdempotencyClaim claim = pending.submission.claim();
        if (claim != null && !keys.add(claim.id())) {
            later.add(pending);
        } else {
            batch.add(pending);
        }
    }

    private void book(List<Pending> batch) {
        book(batch, 0);
    }

    private void book(List<Pending> batch, int rebooked) {
        List<BatchWriter.Result> results;
        long started = System.nanoTime();
        try {
            results = writer.write(batch.stream().map(p -> p.submission).toList());
        } catch (RuntimeException e) {
            if ((e instanceof KeyClaims.KeyTaken || TransientFailures.isConflict(e)) && rebooked < REBOOKS_MAX) {
                // another transaction committed one of the keys (booked again, that request is now a
                // replay) or PostgreSQL broke a deadlock with one (e.g. a close that claimed a key of
                // this batch and waits for one of its accounts) by aborting this batch: the other went on
                rebooks.increment();
                book(batch, rebooked + 1);
                return;
            }
            if (batch.size() == 1 || unreachable(e)) {
                log.warn(
                        "Batch of {} not booked: {}", batch.size(), e.getClass().getSimpleName());
                batch.forEach(p -> p.result.completeExceptionally(e));
                return;
            }
            splits.increment();
            int half = batch.size() / 2;
            book(batch.subList(0, half));
            book(batch.subList(half, batch.size()));
            return;
        }
        batchTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSizes.record(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            BatchWriter.Result result = results.get(i);
            if (result.refusal() != null) {
                batch.get(i).result.completeExceptionally(result.refusal());
            } else {
                batch.get(i).result.complete(result.outcome());
            }
        }
    }

    /**
     * A database that went away, restarted or timed out fails every smaller batch too: answer every
     * request at once (503, retry) instead of splitting down to single postings.
     */
    private static boolean unreachable(Throwable e) {
        return TransientFailures.isTransient(e);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        closed = false;
        for (int i = threads.size(); i < writers; i++) {
            threads.add(Thread.ofPlatform().name("posting-engine-" + i).daemon().start(this::loop));
        }
    }

    /** Books what is queued, then stops the writer; submissions made meanwhile wait for {@link #start()}. */
    @Override
    public synchronized void stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // a writer still inside a database call keeps its place: start() counts it
        threads.removeIf(thread -> !thread.isAlive());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the web server stopped taking requests (a later phase stops first), before the database closes. */
    @Override
    public int getPhase() {
        return 0;
    }

    /** Refuses new submissions and answers what is still queued with 503: the context is closing. */
    @PreDestroy
    void close() {
        closed = true;
        stop();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result.completeExceptionally(new ProblemException(
                    503,
                    "temporarily_unavailable",
                    "the service is shutting down; the request was not applied; retry it"));
        }
    }

    private static final class Pending {
        final Submission submission;
        final CompletableFuture<Outcome> result = new CompletableFuture<>();

        Pending(Submission submission) {
            this.submission = submission;
        }
    }
}
