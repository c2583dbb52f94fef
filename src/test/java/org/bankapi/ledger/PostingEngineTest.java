package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.EmbeddedDatabase;
import org.bankapi.web.error.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The engine against the real database, with its writer held so that the submissions under test are
 * all queued and then taken as one batch: what one posting does to a batch, and what it must not.
 */
class PostingEngineTest extends ApiTest {

    @Autowired
    BatchWriter writer;

    @Autowired
    JdbcClient jdbc;

    /** The application's meters (LedgerMetrics counts there); the engine under test has its own. */
    @Autowired
    MeterRegistry appMeters;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private PostingEngine engine;
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopEngine() {
        if (engine != null) {
            engine.close();
        }
        clients.shutdownNow();
    }

    @Test
    void aRefusedPostingInTheMiddleOfABatchIsRefusedAloneAndTheOthersAreBooked() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        engine = heldEngine(16);
        List<CompletableFuture<Outcome>> results = queueInOrder(
                transfer(a, b, "30.00", "first"),
                transfer(a, b, "80.00", "too much after the first"),
                transfer(a, b, "70.00", "exactly what is left"),
                transfer(b, a, "10.00", "back"));
        engine.start();

        assertThat(results.get(0)
                        .get(10, TimeUnit.SECONDS)
                        .booking()
                        .transaction()
                        .id())
                .isPositive();
        assertThatThrownBy(() -> results.get(1).join())
                .hasCauseInstanceOf(ProblemException.class)
                .cause()
                .extracting(e -> ((ProblemException) e).code())
                .isEqualTo("insufficient_funds");
        assertThat(results.get(2).get(10, TimeUnit.SECONDS).booking().balanceOf(a))
                .isZero();
        assertThat(results.get(3).get(10, TimeUnit.SECONDS).booking().balanceOf(a))
                .isEqualTo(1_000);
        assertThat(batchSizeMax()).as("all four were one batch").isEqualTo(4);
        assertThat(bank.balance(a)).isEqualTo("10.00");
        assertThat(bank.balance(b)).isEqualTo("90.00");
        assertThat(entries(a)).containsExactly(10_000L, -3_000L, -7_000L, 1_000L);
    }

    @Test
    void aBatchWhoseDatabaseWriteFailsIsSplitAndEveryGoodPostingIsBooked() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        engine = heldEngine(16);
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // PostgreSQL refuses a NUL character in text: this one posting fails in the database, not in a rule
            String description = i == 4 ? "bad \u0000 byte" : "good " + i;
            results.add(submit(() -> transfer(a, b, "1.00", description)));
        }
        awaitQueued(7);
        engine.start();

        for (int i = 0; i < 7; i++) {
            if (i == 4) {
                int bad = i;
                assertThatThrownBy(() -> results.get(bad).get(10, TimeUnit.SECONDS))
                        .isNotInstanceOf(ProblemException.class);
            } else {
                assertThat(results.get(i)
                                .get(10, TimeUnit.SECONDS)
                                .booking()
                                .transaction()
                                .description())
                        .isEqualTo("good " + i);
            }
        }
        assertThat(bank.balance(a)).isEqualTo("94.00");
        assertThat(bank.balance(b)).isEqualTo("6.00");
        assertThat(registry().get("posting.batch.splits").counter().count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRefusalInABatchThatIsSplitIsCountedOnce() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "10.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        double refusedBefore = refusedTransfers();
        engine = heldEngine(16);
        List<CompletableFuture<Outcome>> results = queueInOrder(
                transfer(a, b, "50.00", "more than there is"),
                // fails in the database, not in a rule: the first attempt, which met the refusal, rolls back
                transfer(a, b, "1.00", "bad \u0000 byte"),
                transfer(a, b, "1.00", "good"));
        engine.start();

        assertThatThrownBy(() -> results.get(0).join())
                .cause()
                .extracting(e -> ((ProblemException) e).code())
                .isEqualTo("insufficient_funds");
        assertThatThrownBy(() -> results.get(1).get(10, TimeUnit.SECONDS)).isNotInstanceOf(ProblemException.class);
        assertThat(results.get(2).get(10, TimeUnit.SECONDS).booking().balanceOf(a))
                .isEqualTo(900);
        assertThat(registry().get("posting.batch.splits").counter().count()).isPositive();
        assertThat(refusedTransfers() - refusedBefore).isEqualTo(1.0);
    }

    @Test
    void theSameKeyTwiceInOneBatchIsBookedOnceAndTheSecondIsAReplay() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        engine = heldEngine(16);
        IdempotencyClaim claim = new IdempotencyClaim(
                "admin-same-key", "key-" + System.nanoTime(), "same request".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Outcome> first = submit(() -> keyed(transfer(a, b, "25.00", "once"), claim));
        CompletableFuture<Outcome> second = submit(() -> keyed(transfer(a, b, "25.00", "once"), claim));
        awaitQueued(2);
        engine.start();

        // the two threads race to the queue: whichever came first is booked, the other is its replay
        assertOneBookedAndOneReplayed(first, second);
        assertThat(bank.balance(b)).isEqualTo("25.00");
    }

    @Test
    void aKeyStoredByAnotherBatchAfterTheLookUpMakesTheLaterBatchBookAgainAsAReplay() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        List<CompletableFuture<Outcome>> two = sameKeyTransfersMeetingAtTheAccountLock(a, b);

        assertOneBookedAndOneReplayed(two.get(0), two.get(1));
        assertThat(bank.balance(b)).isEqualTo("25.00");
        assertThat(bank.balance(a)).isEqualTo("75.00");
        assertThat(registry().get("posting.batch.rebooks").counter().count()).isEqualTo(1);
    }

    @Test
    void aRetryThatTheFirstTrysBookingWouldRefuseIsItsReplayNotARefusal() throws Exception {
        Bank bank = new Bank(api());
        // after the first 25.00 only 5.00 are left: the second, booked on its own, would be refused
        long a = bank.openAccount(Bank.newOwner(), "30.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        List<CompletableFuture<Outcome>> two = sameKeyTransfersMeetingAtTheAccountLock(a, b);

        assertOneBookedAndOneReplayed(two.get(0), two.get(1));
        assertThat(bank.balance(a)).isEqualTo("5.00");
        assertThat(registry().get("posting.batch.rebooks").counter().count()).isEqualTo(1);
    }

    @Test
    void aDeadlockWithAKeysClaimantIsBrokenByBookingTheBatchAgain() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        engine = new PostingEngine(writer, meters, 16, 64, 1);
        IdempotencyClaim claim = new IdempotencyClaim(
                "admin-deadlocked-key", "key-" + System.nanoTime(), "a request".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Outcome> transfer;
        try (Connection claimant = EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
            claimant.setAutoCommit(false);
            // what a close does: claim the key first, then lock the account
            try (PreparedStatement claimKey = claimant.prepareStatement(
                    "INSERT INTO idempotency_keys (principal, key, request_hash, created_at) VALUES (?, ?, ?, now())")) {
                claimKey.setString(1, claim.principal());
                claimKey.setString(2, claim.key());
                claimKey.setBytes(3, claim.requestHash());
                claimKey.executeUpdate();
            }
            engine.start();
            transfer = submit(() -> keyed(transfer(a, b, "25.00", "deadlocked"), claim));
            // the batch holds the accounts and waits for the claimant's key
            awaitLockWaiters("INSERT INTO idempotency_keys%", 1);
            CompletableFuture<Void> locked = CompletableFuture.runAsync(
                    () -> {
                        try (Statement lock = claimant.createStatement()) {
                            lock.execute("SELECT 1 FROM accounts WHERE id = " + a + " FOR UPDATE");
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    clients);
            // PostgreSQL aborts the batch, which waited first; the claimant then has the account
            locked.get(20, TimeUnit.SECONDS);
            claimant.rollback();
        }

        Outcome booked = transfer.get(20, TimeUnit.SECONDS);
        assertThat(booked.isReplay()).isFalse();
        assertThat(bank.balance(b)).isEqualTo("25.00");
        assertThat(registry().get("posting.batch.rebooks").counter().count()).isEqualTo(1);
    }

    /**
     * Two transfers of 25.00 from a to b with one key, one batch each on two writers: both look the key
     * up while a test connection holds a, find nothing, and wait for a; then the lock is let go.
     */
    private List<CompletableFuture<Outcome>> sameKeyTransfersMeetingAtTheAccountLock(long a, long b) throws Exception {
        engine = new PostingEngine(writer, meters, 1, 64, 2);
        IdempotencyClaim claim = new IdempotencyClaim(
                "admin-raced-key", "key-" + System.nanoTime(), "same request".getBytes(StandardCharsets.UTF_8));
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        try (Connection blocker = EmbeddedDatabase.get().getPostgresDatabase().getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement lock = blocker.createStatement()) {
                lock.execute("SELECT 1 FROM accounts WHERE id = " + a + " FOR UPDATE");
            }
            results.add(submit(() -> keyed(transfer(a, b, "25.00", "once"), claim)));
            results.add(submit(() -> keyed(transfer(a, b, "25.00", "once"), claim)));
            awaitQueued(2);
            engine.start();
            awaitLockWaiters("SELECT id, owner_id%FOR UPDATE%", 2);
            blocker.rollback();
        }
        return results;
    }

    @Test
    void twoWritersBookAHotPairsCrossingTransfersWithoutLosingOrRepeatingOne() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "20.00");
        long b = bank.openAccount(Bank.newOwner(), "20.00");
        engine = new PostingEngine(writer, meters, 4, 64, 2);
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            results.add(submit(() -> transfer(a, b, "1.00", "a to b " + n)));
            results.add(submit(() -> transfer(b, a, "1.00", "b to a " + n)));
        }
        awaitQueued(40);
        // each writer takes four at a time: their batches lock the same two accounts, one after the other
        engine.start();

        List<Long> ids = new ArrayList<>();
        for (CompletableFuture<Outcome> result : results) {
            ids.add(result.get(20, TimeUnit.SECONDS).booking().transaction().id());
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(40);
        assertThat(bank.balance(a)).isEqualTo("20.00");
        assertThat(bank.balance(b)).isEqualTo("20.00");
        assertThat(registry().get("posting.batch.size").summary().count()).isGreaterThanOrEqualTo(10);
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entries WHERE account_id IN (:a, :b)")
                        .param("a", a)
                        .param("b", b)
                        .query(Long.class)
                        .single())
                .isEqualTo(2 + 80);
    }

    @Test
    void aFullQueueRefusesWithTemporarilyUnavailableAndWhatWasQueuedIsStillBooked() throws Exception {
        Bank bank = new Bank(api());
        long a = bank.openAccount(Bank.newOwner(), "10.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        engine = new PostingEngine(writer, meters, 16, 2, 1);
        CompletableFuture<Outcome> one = submit(() -> transfer(a, b, "1.00", "queued 1"));
        CompletableFuture<Outcome> two = submit(() -> transfer(a, b, "1.00", "queued 2"));
        awaitQueued(2);

        assertThatThrownBy(() -> engine.submit(transfer(a, b, "1.00", "one too many")))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("temporarily_unavailable");
                });
        engine.start();
        one.get(10, TimeUnit.SECONDS);
        two.get(10, TimeUnit.SECONDS);
        assertThat(bank.balance(b)).isEqualTo("2.00");
    }

    private PostingEngine heldEngine(int batchSizeMax) {
        return new PostingEngine(writer, meters, batchSizeMax, 64, 1);
    }

    private MeterRegistry registry() {
        return meters;
    }

    private double batchSizeMax() {
        return registry().get("posting.batch.size").summary().max();
    }

    private CompletableFuture<Outcome> submit(Supplier<Submission> submission) {
        return CompletableFuture.supplyAsync(() -> engine.submit(submission.get()), clients);
    }

    /** Queued one after the other, so that the held engine's batch takes them in this order. */
    private List<CompletableFuture<Outcome>> queueInOrder(Submission... submissions) throws InterruptedException {
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        for (Submission submission : submissions) {
            results.add(submit(() -> submission));
            awaitQueued(results.size());
        }
        return results;
    }

    /** Exactly one of the two was booked, and the other answers with the booked one's stored reply. */
    private static void assertOneBookedAndOneReplayed(
            CompletableFuture<Outcome> first, CompletableFuture<Outcome> second) throws Exception {
        Outcome one = first.get(10, TimeUnit.SECONDS);
        Outcome other = second.get(10, TimeUnit.SECONDS);
        assertThat(one.isReplay()).as("exactly one of the two is a replay").isNotEqualTo(other.isReplay());
        Outcome booked = one.isReplay() ? other : one;
        Outcome replayed = one.isReplay() ? one : other;
        assertThat(new String(replayed.replayed().body(), StandardCharsets.UTF_8))
                .isEqualTo("reply of " + booked.booking().transaction().id());
    }

    /** Waits until that many sessions whose statement is like {@code pattern} wait for a lock. */
    private void awaitLockWaiters(String pattern, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            long waiting =
                    jdbc.sql("""
                    SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE :pattern""").param("pattern", pattern).query(Long.class).single();
            if (waiting >= count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + waiting + " of " + count + " sessions wait for a lock: " + pattern);
            }
            Thread.sleep(5);
        }
    }

    private void awaitQueued(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (queued() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + queued() + " of " + count + " submissions queued");
            }
            Thread.sleep(5);
        }
    }

    private double refusedTransfers() {
        Counter refused = appMeters
                .find("transactions")
                .tags("type", "transfer", "status", "refused")
                .counter();
        return refused == null ? 0 : refused.count();
    }

    /** Money requests waiting for the writer, as the engine's gauge shows them. */
    private double queued() {
        return registry().get("posting.queue.depth").gauge().value();
    }

    private static Submission transfer(long from, long to, String amount, String description) {
        return new Submission(
                new Command.Post(
                        TransactionType.TRANSFER,
                        from,
                        to,
                        new Command.Amount(new BigDecimal(amount), null),
                        description,
                        null),
                new Origin("admin-engine-test", "engine-test"),
                null,
                null);
    }

    private static Submission keyed(Submission submission, IdempotencyClaim claim) {
        return new Submission(
                submission.command(),
                submission.origin(),
                claim,
                booking -> Submission.Reply.created(
                        "/transactions/" + booking.transaction().id(),
                        ("reply of " + booking.transaction().id()).getBytes(StandardCharsets.UTF_8)));
    }

    private List<Long> entries(long account) {
        return jdbc.sql("SELECT amount_minor FROM ledger_entries WHERE account_id = :a ORDER BY id")
                .param("a", account)
                .query(Long.class)
                .list();
    }
}
