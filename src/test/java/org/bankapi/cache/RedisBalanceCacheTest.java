package org.bankapi.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bankapi.BankingApplication;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.embedded.RedisServer;

/**
 * Two service instances sharing one PostgreSQL and one real Redis (embedded Redis 7, or REDIS_URL
 * when set): no read after a write shows the old balance, a stale late write cannot win, and Redis
 * going away and coming back costs neither a request nor the cache.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "JWT_SECRET_KEY=" + ApiTest.JWT_SECRET,
            "BANK_DATA_DIR=target/test-data",
            "RATE_LIMIT_PER_SECOND=0",
            "bank.cache.break=300ms",
            "bank.cache.redis-timeout=1s"
        })
class RedisBalanceCacheTest {

    private static final String EXTERNAL_REDIS = System.getenv("REDIS_URL");
    private static final int REDIS_PORT = freePort();
    private static final Path REDIS_DIR = tempDir();
    private static RedisServer redis = EXTERNAL_REDIS == null ? startRedis() : null;
    private static final String REDIS_URL = EXTERNAL_REDIS != null ? EXTERNAL_REDIS : "redis://127.0.0.1:" + REDIS_PORT;
    private static ConfigurableApplicationContext second;

    @LocalServerPort
    int port;

    @Autowired
    BalanceCache cache;

    @Autowired
    BalanceStore store;

    @Autowired
    MeterRegistry registry;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", EmbeddedDatabase::jdbcUrl);
        registry.add("REDIS_URL", () -> REDIS_URL);
    }

    @BeforeAll
    static void startSecondInstance() {
        second = new SpringApplicationBuilder(BankingApplication.class)
                .run(
                        "--server.port=0",
                        "--JWT_SECRET_KEY=" + ApiTest.JWT_SECRET,
                        "--BANK_DATA_DIR=target/test-data",
                        "--RATE_LIMIT_PER_SECOND=0",
                        "--bank.cache.break=300ms",
                        "--bank.cache.redis-timeout=1s",
                        "--spring.datasource.url=" + EmbeddedDatabase.jdbcUrl(),
                        "--REDIS_URL=" + REDIS_URL);
    }

    @AfterAll
    static void stopAll() {
        if (second != null) {
            second.close();
        }
        if (redis != null && redis.isActive()) {
            redis.stop();
        }
    }

    @Test
    void usesRedisAsTheStore() {
        assertThat(store).isInstanceOf(RedisBalanceStore.class);
        assertThat(second.getBean(BalanceStore.class)).isInstanceOf(RedisBalanceStore.class);
    }

    @Test
    void everyReadAfterEachOfManyWritesShowsTheNewBalanceOnBothInstances() {
        Api first = api(port);
        Api other = api(secondPort());
        Bank bank = new Bank(first);
        Bank otherBank = new Bank(other);
        long account = bank.openAccount(Bank.newOwner(), "1000.00");
        long expectedMinor = 100_000;
        double hitsBefore = hits(registry) + hits(second.getBean(MeterRegistry.class));
        for (int i = 1; i <= 40; i++) {
            long amountMinor = 100L * i + i;
            String amount = amountMinor / 100 + "." + String.format("%02d", amountMinor % 100);
            Api.Response write = i % 2 == 0
                    ? bank.deposit(bank.admin(), account, amount)
                    : otherBank.withdraw(otherBank.admin(), account, amount);
            assertThat(write.status()).as(write.toString()).isEqualTo(201);
            expectedMinor += i % 2 == 0 ? amountMinor : -amountMinor;
            String expected = expectedMinor / 100 + "." + String.format("%02d", expectedMinor % 100);
            CachedBalance inRedis = BalanceCaches.peek(store, account);
            assertThat(inRedis).as("Redis entry after write " + i).isNotNull();
            assertThat(inRedis.balanceMinor())
                    .as("Redis entry after write " + i)
                    .isEqualTo(expectedMinor);
            assertThat(bank.balance(account))
                    .as("first instance after write " + i)
                    .isEqualTo(expected);
            assertThat(otherBank.balance(account))
                    .as("second instance after write " + i)
                    .isEqualTo(expected);
        }
        // account reads show their row; the cache serves balance-only lookups, which Redis answers
        CachedBalance row = committed(account).getFirst();
        assertThat(BalanceCaches.balance(cache, row)).isEqualTo(expectedMinor);
        assertThat(BalanceCaches.balance(second.getBean(BalanceCache.class), row))
                .isEqualTo(expectedMinor);
        double hitsAfter = hits(registry) + hits(second.getBean(MeterRegistry.class));
        assertThat(hitsAfter - hitsBefore).as("lookups served from Redis").isEqualTo(2);
    }

    @Test
    void concurrentReadersOnBothInstancesNeverSeeLessThanTheLastAcknowledgedDeposit() throws Exception {
        Bank bank = new Bank(api(port));
        long account = bank.openAccount(Bank.newOwner(), "0.01");
        AtomicLong acknowledgedMinor = new AtomicLong(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            Bank reader = new Bank(api(r % 2 == 0 ? port : secondPort()));
            String instance = r % 2 == 0 ? "first" : "second";
            readers.add(Thread.ofPlatform().start(() -> {
                while (writing.get()) {
                    long floor = acknowledgedMinor.get();
                    long shown = new BigDecimal(reader.balance(account))
                            .movePointRight(2)
                            .longValueExact();
                    reads.incrementAndGet();
                    if (shown < floor) {
                        violations.add(instance + " showed " + shown + " after " + floor + " was acknowledged");
                    }
                }
            }));
        }
        try {
            for (int i = 0; i < 30; i++) {
                Api.Response deposit =
                        (i % 2 == 0 ? bank : new Bank(api(secondPort()))).deposit(bank.admin(), account, "1.00");
                assertThat(deposit.status()).as(deposit.toString()).isEqualTo(201);
                long acknowledged = acknowledgedMinor.addAndGet(100);
                CachedBalance inRedis = BalanceCaches.peek(store, account);
                if (inRedis == null || inRedis.balanceMinor() < acknowledged) {
                    violations.add("Redis held " + inRedis + " after " + acknowledged + " was acknowledged");
                }
            }
        } finally {
            writing.set(false);
            for (Thread reader : readers) {
                reader.join(30_000);
            }
        }
        assertThat(violations).isEmpty();
        assertThat(reads.get()).isGreaterThan(30);
        assertThat(new Bank(api(secondPort())).balance(account)).isEqualTo("30.01");
    }

    @Test
    void aReadThatStartedBeforeACommitCannotPutTheOldBalanceBack() {
        Api api = api(port);
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "50.00");
        List<CachedBalance> readBeforeCommit = committed(account);
        assertThat(bank.deposit(bank.admin(), account, "25.00").status()).isEqualTo(201);

        Map<Long, Long> shown = cache.balances(readBeforeCommit);

        assertThat(shown).containsEntry(account, 7_500L);
        assertThat(BalanceCaches.peek(store, account).balanceMinor()).isEqualTo(7_500L);
        store.putIfNewer(readBeforeCommit);
        assertThat(BalanceCaches.peek(store, account).balanceMinor()).isEqualTo(7_500L);
        assertThat(new Bank(api(secondPort())).balance(account)).isEqualTo("75.00");
    }

    @Test
    void keepsServingCorrectBalancesWhileRedisIsDownAndUsesItAgainWhenItIsBack() throws Exception {
        assumeThat(redis)
                .as("needs the embedded Redis, which the test can stop")
                .isNotNull();
        Api api = api(port);
        Bank bank = new Bank(api);
        Bank otherBank = new Bank(api(secondPort()));
        long account = bank.openAccount(Bank.newOwner(), "10.00");
        assertThat(bank.balance(account)).isEqualTo("10.00");
        double errorsBefore = errors(registry);

        redis.stop();
        for (int i = 1; i <= 5; i++) {
            long started = System.nanoTime();
            assertThat(bank.deposit(bank.admin(), account, "1.00").status()).isEqualTo(201);
            assertThat(bank.balance(account)).isEqualTo((10 + i) + ".00");
            assertThat(otherBank.balance(account)).isEqualTo((10 + i) + ".00");
            CachedBalance committed = committed(account).getFirst();
            assertThat(BalanceCaches.balance(cache, committed))
                    .as("a lookup with Redis down falls back to the row")
                    .isEqualTo((10L + i) * 100);
            assertThat((System.nanoTime() - started) / 1_000_000)
                    .as("ms for a write, two reads and a lookup with Redis down")
                    .isLessThan(3_000);
        }
        assertThat(errors(registry)).isGreaterThan(errorsBefore);

        redis = redisServer();
        redis.start();
        double firstHitsBefore = hits(registry);
        double secondHitsBefore = hits(second.getBean(MeterRegistry.class));
        long deadline = System.nanoTime() + 20_000_000_000L;
        boolean usedAgain = false;
        CachedBalance row = committed(account).getFirst();
        while (!usedAgain && System.nanoTime() < deadline) {
            assertThat(bank.balance(account)).isEqualTo("15.00");
            assertThat(otherBank.balance(account)).isEqualTo("15.00");
            assertThat(BalanceCaches.balance(cache, row)).isEqualTo(1_500L);
            assertThat(BalanceCaches.balance(second.getBean(BalanceCache.class), row))
                    .isEqualTo(1_500L);
            usedAgain =
                    hits(registry) > firstHitsBefore && hits(second.getBean(MeterRegistry.class)) > secondHitsBefore;
            Thread.sleep(100);
        }
        assertThat(usedAgain)
                .as("the cache is used again after Redis came back")
                .isTrue();
        assertThat(bank.deposit(bank.admin(), account, "1.00").status()).isEqualTo(201);
        assertThat(BalanceCaches.peek(store, account).balanceMinor()).isEqualTo(1_600L);
        assertThat(otherBank.balance(account)).isEqualTo("16.00");
    }

    private int secondPort() {
        return ((WebServerApplicationContext) second).getWebServer().getPort();
    }

    private static Api api(int port) {
        return new Api("http://localhost:" + port, ApiTest.JWT_SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static double hits(MeterRegistry registry) {
        return count(registry, "hit");
    }

    private static double errors(MeterRegistry registry) {
        return count(registry, "error");
    }

    private static double count(MeterRegistry registry, String result) {
        var counter =
                registry.find("balance.cache.requests").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static RedisServer startRedis() {
        RedisServer server = redisServer();
        server.start();
        return server;
    }

    /** Persists to a temporary directory, so entries from before a restart come back, as after a real Redis blip. */
    private static RedisServer redisServer() {
        return RedisServer.builder()
                .port(REDIS_PORT)
                .bind("127.0.0.1")
                .setting("dir " + REDIS_DIR)
                .setting("save 3600 1")
                .build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("bank-test-redis");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The account's committed balance and version, as a row read now gives them. */
    private List<CachedBalance> committed(long account) {
        return jdbc.sql("SELECT id, balance_minor, balance_version FROM accounts WHERE id = :id")
                .param("id", account)
                .query((rs, n) -> new CachedBalance(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .list();
    }
}
