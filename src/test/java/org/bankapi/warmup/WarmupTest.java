package org.bankapi.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.bankapi.support.PrometheusText;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The start-up warm-up holds readiness back while it runs, then lets it go; its writes are booked and
 * rolled back, so it never changes a row, a balance or a counter; nobody else can rehearse.
 */
@TestPropertySource(
        properties = {"bank.warmup.ms-max=120000", "bank.warmup.workers=2", "bank.warmup.round-ms-target=0"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmupTest extends ApiTest {

    private static final JdbcClient DATABASE = Database.superuser();

    @Autowired
    Warmup warmup;

    @Test
    @Order(1)
    void readinessIsOutOfServiceUntilTheWarmupHasFinished() throws Exception {
        Api api = api();
        assertThat(warmup.awaitFinished(Duration.ZERO))
                .as("a two-minute warm-up is still running")
                .isFalse();
        assertThat(api.anonymous().get("/health/ready").status()).isEqualTo(503);
        assertThat(api.anonymous().get("/health/ready").json().path("status").asString())
                .isEqualTo("OUT_OF_SERVICE");

        warmup.stop();
        assertThat(warmup.awaitFinished(Duration.ofSeconds(30))).isTrue();
        assertThat(api.anonymous().get("/health/ready").status()).isEqualTo(200);
        assertThat(api.anonymous().get("/health/ready").text()).contains("UP");
        assertThat(warmup.requests())
                .as("the warm-up went through the HTTP read paths")
                .isPositive();
    }

    @Test
    @Order(2)
    void theWarmupChangesNoRowOfAnyTable() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        long from = bank.openAccount(Bank.newOwner(), "100.00");
        long to = bank.openAccount(Bank.newOwner(), "5.00");
        assertThat(bank.transfer(bank.admin(), from, to, "1.00").status()).isEqualTo(201);

        Map<String, Long> before = settledAfterTheWarmup();
        Map<String, Double> metricsBefore = bookingCounters(api);
        long requestsBefore = warmup.requests();
        long rehearsedBefore = warmup.rehearsed();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger service = (Logger) LoggerFactory.getLogger("org.bankapi");
        lines.start();
        service.addAppender(lines);
        try {
            warmup.run(port, Duration.ofMillis(1500));
            Map<String, Long> after = rowCounts();

            assertThat(warmup.requests()).as("it read through the API").isGreaterThan(requestsBefore + 3);
            assertThat(warmup.rehearsed())
                    .as("openings, deposits, withdrawals, transfers and holds were booked (and rolled back)")
                    .isGreaterThan(rehearsedBefore + 5);
            assertThat(after).isEqualTo(before);
            assertThat(bank.balance(from)).isEqualTo("99.00");
            assertThat(bank.balance(to)).isEqualTo("6.00");
            assertThat(bookingCounters(api)).isEqualTo(metricsBefore);
            assertThat(actions(lines))
                    .as("a rehearsed opening or transaction never existed: no line tells Logstash it did")
                    .doesNotContain("account-created", "transaction-processed");

            assertThat(bank.deposit(bank.admin(), to, "0.50").status()).isEqualTo(201);
            assertThat(actions(lines)).as("a real deposit is logged").containsOnlyOnce("transaction-processed");
        } finally {
            service.detachAppender(lines);
        }
    }

    /** The event.action of each line captured from the service's own loggers. */
    private static List<String> actions(ListAppender<ILoggingEvent> lines) {
        return List.copyOf(lines.list).stream()
                .map(ILoggingEvent::getKeyValuePairs)
                .filter(Objects::nonNull)
                .flatMap(List::stream)
                .filter(pair -> pair.key.equals("event.action"))
                .map(pair -> String.valueOf(pair.value))
                .toList();
    }

    @Test
    @Order(3)
    void aRehearsalHeaderFromAnyoneButTheRunningWarmupIsRefusedAndChangesNothing() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        bank.openAccount(Bank.newOwner(), "10.00");
        long account = bank.openAccount(Bank.newOwner(), "10.00");
        Map<String, Long> before = settledAfterTheWarmup();

        // while the warm-up's own rehearsals are admitted, so that only the token tells them apart
        long rehearsedBefore = warmup.rehearsed();
        Thread running = Thread.ofVirtual().start(() -> warmup.run(port, Duration.ofSeconds(3)));
        for (int i = 0; i < 200 && warmup.rehearsed() == rehearsedBefore; i++) {
            Thread.sleep(10);
        }
        assertThat(warmup.rehearsed()).as("the warm-up is rehearsing").isGreaterThan(rehearsedBefore);
        Api.Response deposit = api.as(bank.admin())
                .header(RehearsalFilter.HEADER, "guessed")
                .header("Idempotency-Key", "rehearsal-" + account)
                .post(
                        "/transactions",
                        Map.of("type", "deposit", "account_id", account, "amount", "1.00", "currency", "EUR"));
        running.join();

        assertThat(deposit.status()).isEqualTo(403);
        assertThat(deposit.code()).isEqualTo("forbidden");
        assertThat(rowCounts()).isEqualTo(before);
        assertThat(bank.balance(account)).isEqualTo("10.00");
    }

    /** The /metrics counters of bookings and refusals, summed over their labels: a rehearsal must move none. */
    private static Map<String, Double> bookingCounters(Api api) {
        Api.Response metrics = api.anonymous().get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        PrometheusText text = PrometheusText.parse(metrics.text());
        assertThat(text.has("transactions_total"))
                .as("the test's transfer was counted")
                .isTrue();
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String name : List.of(
                "transactions_total",
                "holds_total",
                "transaction_amount_count",
                "posting_batch_size_count",
                "api_errors_total")) {
            sums.put(name, text.sum(name, Map.of()));
        }
        return sums;
    }

    /** Ends the warm-up of the start (tests may run alone) and returns the row counts once writes settled. */
    private Map<String, Long> settledAfterTheWarmup() throws InterruptedException {
        warmup.stop();
        assertThat(warmup.awaitFinished(Duration.ofSeconds(30))).isTrue();
        return settledRowCounts();
    }

    /** Row counts once background jobs (the audit sealer, partition upkeep) have stopped writing. */
    private static Map<String, Long> settledRowCounts() throws InterruptedException {
        Map<String, Long> previous = rowCounts();
        for (int i = 0; i < 40; i++) {
            Thread.sleep(250);
            Map<String, Long> now = rowCounts();
            if (now.equals(previous)) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    /** Every ordinary table and partition of the public schema, with its row count. */
    private static Map<String, Long> rowCounts() {
        JdbcClient jdbc = DATABASE;
        List<String> tables = jdbc.sql("""
                SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1""").query(String.class).list();
        assertThat(tables).contains("accounts_low", "audit_log", "idempotency_keys", "ledger_entries");
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : tables) {
            counts.put(
                    table,
                    jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
        }
        return counts;
    }
}
