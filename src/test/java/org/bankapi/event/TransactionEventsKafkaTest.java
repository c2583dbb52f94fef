package org.bankapi.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bankapi.support.Api;
import org.bankapi.support.Bank;
import org.bankapi.support.KafkaApiTest;
import org.bankapi.support.LocalKafka;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

class TransactionEventsKafkaTest extends KafkaApiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OutboxRepository outbox;

    @Autowired
    KafkaClients kafka;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    OutboxRelay relay;

    @Autowired
    DataSource dataSource;

    @Test
    void eachTransactionYieldsExactlyOneEventWithTheDocumentedFields() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "100");
        long b = bank.openAccount(Bank.newOwner(), null);
        assertThat(bank.deposit(bank.admin(), a, "50").status()).isEqualTo(201);
        assertThat(bank.withdraw(bank.admin(), a, "20").status()).isEqualTo(201);
        Api.Response transfer = bank.transfer(bank.admin(), a, b, "30");
        assertThat(transfer.status()).isEqualTo(201);
        Api.Response reversal = api.as(bank.admin())
                .post("/transactions/" + transfer.json().get("id").asLong() + "/reverse", Map.of());
        assertThat(reversal.status()).as(reversal.toString()).isEqualTo(201);
        List<JsonNode> history = new ArrayList<>();
        api.as(bank.admin())
                .get("/transactions?account_id=" + a)
                .json()
                .get("items")
                .forEach(history::add);
        assertThat(history).hasSize(5);

        awaitPublished(a);
        List<ConsumerRecord<String, String>> events = ofKey(readAll(TOPIC), a);

        assertThat(events).hasSize(5);
        assertThat(events.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
        Map<Long, JsonNode> viewById = new HashMap<>();
        history.forEach(view -> viewById.put(view.get("id").asLong(), view));
        List<Long> order = new ArrayList<>();
        for (ConsumerRecord<String, String> record : events) {
            JsonNode event = Api.JSON.readTree(record.value());
            assertThat(event.get("version").asInt()).isEqualTo(1);
            assertThat(UUID.fromString(event.get("event_id").asString())).isNotNull();
            assertThat(event.get("event_type").asString()).isEqualTo("transaction.completed");
            JsonNode tx = event.get("transaction");
            JsonNode view = viewById.get(tx.get("id").asLong());
            assertThat(view)
                    .as("event of a transaction of the account: " + record.value())
                    .isNotNull();
            assertThat(event.get("occurred_at").asString())
                    .isEqualTo(view.get("created_at").asString());
            assertThat(tx.propertyNames()).containsExactlyInAnyOrderElementsOf(view.propertyNames());
            for (String field : List.of(
                    "id",
                    "type",
                    "amount",
                    "currency",
                    "account_id",
                    "target_account_id",
                    "description",
                    "created_at")) {
                assertThat(tx.get(field)).as(field).isEqualTo(view.get(field));
            }
            assertThat(tx.get("status").asString()).isEqualTo("completed");
            order.add(tx.get("id").asLong());
        }
        assertThat(order).isSorted().doesNotHaveDuplicates();
        assertThat(Set.copyOf(order)).isEqualTo(viewById.keySet());
    }

    @Test
    void keepsEveryEventThroughABrokerOutageAndPublishesEachOnce() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "10");
        awaitPublished(a);

        LocalKafka.stopBroker();
        try {
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                Api.Response deposit = bank.deposit(bank.admin(), a, "1");
                assertThat(deposit.status()).isEqualTo(201);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            }
            assertThat(pending(a)).isEqualTo(5);
        } finally {
            LocalKafka.startBroker();
        }

        awaitPublished(a);
        List<ConsumerRecord<String, String>> events = ofKey(readAll(TOPIC), a);
        List<Long> ids = events.stream()
                .map(r -> Api.JSON
                        .readTree(r.value())
                        .get("transaction")
                        .get("id")
                        .asLong())
                .toList();
        assertThat(ids).hasSize(6).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void twoRelaysAtOncePublishEachRowOnceInAccountOrder() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        OutboxRelay second =
                new OutboxRelay(outbox, kafka, transactions, Clock.systemUTC(), new SimpleMeterRegistry(), dataSource);
        second.start();
        List<Long> accounts = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            assertThat(second.isRunning()).isTrue();
            for (int i = 0; i < 3; i++) {
                accounts.add(bank.openAccount(Bank.newOwner(), "1"));
            }
            List<Future<?>> work = new ArrayList<>();
            for (long account : accounts) {
                work.add(clients.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        assertThat(bank.deposit(bank.admin(), account, "1").status())
                                .isEqualTo(201);
                        second.wake();
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            for (long account : accounts) {
                awaitPublished(account);
            }
        } finally {
            second.stop();
            clients.shutdownNow();
        }
        List<ConsumerRecord<String, String>> all = readAll(TOPIC);
        for (long account : accounts) {
            List<Long> ids = ofKey(all, account).stream()
                    .map(r -> Api.JSON
                            .readTree(r.value())
                            .get("transaction")
                            .get("id")
                            .asLong())
                    .toList();
            assertThat(ids)
                    .as("events of account " + account)
                    .hasSize(16)
                    .doesNotHaveDuplicates()
                    .isSorted();
        }
    }

    @Test
    void aSecondInstancesRelayStaysStandbyWhileTheLeaseIsHeldAndTakesOverWhenTheHolderStops() {
        Bank bank = new Bank(api());
        SimpleMeterRegistry secondMetrics = new SimpleMeterRegistry();
        OutboxRelay second = new OutboxRelay(outbox, kafka, transactions, Clock.systemUTC(), secondMetrics, dataSource);
        List<Long> accounts = new ArrayList<>();
        try {
            long a = bank.openAccount(Bank.newOwner(), "1");
            accounts.add(a);
            awaitPublished(a); // only the lease holder publishes: this instance's relay holds it now
            second.start();
            for (int i = 0; i < 5; i++) {
                assertThat(bank.deposit(bank.admin(), a, "1").status()).isEqualTo(201);
                second.wake();
            }
            awaitPublished(a);
            assertThat(secondMetrics.counter("outbox.events.published").count())
                    .as("the standby sent nothing")
                    .isZero();

            relay.stop();
            long b = bank.openAccount(Bank.newOwner(), "1");
            accounts.add(b);
            for (int i = 0; i < 5; i++) {
                assertThat(bank.deposit(bank.admin(), b, "1").status()).isEqualTo(201);
            }
            awaitPublished(b);
            assertThat(secondMetrics.counter("outbox.events.published").count())
                    .as("the standby took over")
                    .isPositive();
        } finally {
            relay.start();
            second.stop();
        }
        long c = bank.openAccount(Bank.newOwner(), "1");
        accounts.add(c);
        awaitPublished(c);
        List<ConsumerRecord<String, String>> events = ofKeys(readAll(TOPIC), accounts);
        assertExactlyOnceInAccountOrder(events, accounts);
        assertThat(events).hasSize(6 + 6 + 1);
    }

    @Test
    void aRelayKilledAfterKafkaCommittedButBeforeTheOutboxWasMarkedIsFollowedByOneThatSendsNothingTwice() {
        Bank bank = new Bank(api());
        relay.stop();
        OutboxRelay first = handDriven();
        OutboxRelay second = handDriven();
        try {
            drain(first);
            List<Long> accounts = twoAccountsWithDeposits(bank, 4);
            first.crashAt(OutboxRelay.Stage.AFTER_KAFKA_COMMIT);
            assertThatThrownBy(first::relayOnce).isInstanceOf(OutboxRelay.SimulatedCrash.class);
            assertThat(accounts)
                    .allSatisfy(account -> assertThat(pending(account)).isEqualTo(5));
            assertThat(ofKeys(readAll(TOPIC), accounts))
                    .as("committed on Kafka, not marked in the outbox")
                    .hasSize(10);

            OutboxRelay.Pass takeOver = second.relayOnce();

            assertThat(takeOver.failure()).isNull();
            assertThat(takeOver.published()).as("nothing sent again").isZero();
            assertThat(accounts)
                    .allSatisfy(account -> assertThat(pending(account)).isZero());
            assertThat(bank.deposit(bank.admin(), accounts.get(0), "1").status())
                    .isEqualTo(201);
            assertThat(second.relayOnce().published()).isEqualTo(1);
            List<ConsumerRecord<String, String>> events = ofKeys(readAll(TOPIC), accounts);
            assertExactlyOnceInAccountOrder(events, accounts);
            assertThat(events).hasSize(11);
        } finally {
            first.stop();
            second.stop();
            relay.start();
        }
    }

    @Test
    void aRelayKilledInTheMiddleOfABatchLeavesAnAbortedTransactionThatReadCommittedConsumersNeverSee() {
        Bank bank = new Bank(api());
        relay.stop();
        OutboxRelay first = handDriven();
        OutboxRelay second = handDriven();
        try {
            drain(first);
            List<Long> accounts = twoAccountsWithDeposits(bank, 3);
            first.crashAt(OutboxRelay.Stage.BEFORE_KAFKA_COMMIT);
            assertThatThrownBy(first::relayOnce).isInstanceOf(OutboxRelay.SimulatedCrash.class);
            assertThat(ofKeys(readAllUncommitted(TOPIC), accounts))
                    .as("sent, in an open transaction")
                    .hasSize(8);
            assertThat(ofKeys(readAll(TOPIC), accounts)).isEmpty();

            OutboxRelay.Pass takeOver = second.relayOnce();

            assertThat(takeOver.published()).isEqualTo(8);
            assertThat(accounts)
                    .allSatisfy(account -> assertThat(pending(account)).isZero());
            List<ConsumerRecord<String, String>> committed = ofKeys(readAll(TOPIC), accounts);
            assertExactlyOnceInAccountOrder(committed, accounts);
            assertThat(committed).hasSize(8);
            assertThat(ofKeys(readAllUncommitted(TOPIC), accounts))
                    .as("the aborted copies stay in the log")
                    .hasSize(16);
        } finally {
            first.stop();
            second.stop();
            relay.start();
        }
    }

    @Test
    void eventsStayExactlyOnceAndInAccountOrderWhenTheBrokerStopsWhileMoneyMoves() throws Exception {
        Bank bank = new Bank(api());
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accounts.add(bank.openAccount(Bank.newOwner(), "1"));
        }
        int depositsEach = 30;
        ExecutorService clients = Executors.newFixedThreadPool(accounts.size());
        List<Future<?>> work = new ArrayList<>();
        CountDownLatch halfway = new CountDownLatch(accounts.size());
        try {
            for (long account : accounts) {
                work.add(clients.submit(() -> {
                    for (int i = 0; i < depositsEach; i++) {
                        assertThat(bank.deposit(bank.admin(), account, "1").status())
                                .isEqualTo(201);
                        if (i == depositsEach / 3) {
                            halfway.countDown();
                        }
                        Thread.sleep(20);
                    }
                    return null;
                }));
            }
            halfway.await();
            LocalKafka.stopBroker();
            try {
                Thread.sleep(3_000);
            } finally {
                LocalKafka.startBroker();
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        for (long account : accounts) {
            awaitPublished(account);
        }
        List<ConsumerRecord<String, String>> events = ofKeys(readAll(TOPIC), accounts);
        assertExactlyOnceInAccountOrder(events, accounts);
        assertThat(events).hasSize(accounts.size() * (depositsEach + 1));
    }

    @Test
    void exposesTheOutboxMetrics() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "10");
        awaitPublished(a);
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = api.anonymous().get("/metrics").text();
            assertThat(metrics)
                    .contains(
                            "outbox_backlog{",
                            "outbox_oldest_age_seconds{",
                            "kafka_consumer_fetch_manager_records_lag_max{");
            assertThat(metricValue(metrics, "outbox_events_published_total")).isGreaterThan(0);
        });
    }

    static double metricValue(String metrics, String name) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Two new accounts (one event each for opening) and {@code each} deposits on each, in turn. */
    private static List<Long> twoAccountsWithDeposits(Bank bank, int each) {
        List<Long> accounts = List.of(bank.openAccount(Bank.newOwner(), "5"), bank.openAccount(Bank.newOwner(), "5"));
        for (int i = 0; i < each; i++) {
            for (long account : accounts) {
                assertThat(bank.deposit(bank.admin(), account, "1").status()).isEqualTo(201);
            }
        }
        return accounts;
    }

    private OutboxRelay handDriven() {
        return new OutboxRelay(outbox, kafka, transactions, Clock.systemUTC(), new SimpleMeterRegistry(), dataSource);
    }

    /** Publishes whatever other tests left pending, so that the next pass holds exactly this test's rows. */
    private static void drain(OutboxRelay relay) {
        await().atMost(WAIT).until(() -> {
            OutboxRelay.Pass pass = relay.relayOnce();
            return pass.failure() == null && pass.published() == 0;
        });
    }

    /** Each outbox row once (by its outbox-id header), each account's transactions in booking order, none twice. */
    private static void assertExactlyOnceInAccountOrder(
            List<ConsumerRecord<String, String>> events, List<Long> accounts) {
        List<Long> outboxIds = events.stream()
                .map(r -> Long.parseLong(
                        new String(r.headers().lastHeader("outbox-id").value(), StandardCharsets.UTF_8)))
                .toList();
        assertThat(outboxIds).doesNotHaveDuplicates();
        for (long account : accounts) {
            List<Long> ids = ofKey(events, account).stream()
                    .map(r -> Api.JSON
                            .readTree(r.value())
                            .get("transaction")
                            .get("id")
                            .asLong())
                    .toList();
            assertThat(ids)
                    .as("events of account " + account)
                    .doesNotHaveDuplicates()
                    .isSorted();
        }
    }

    private static List<ConsumerRecord<String, String>> ofKeys(
            List<ConsumerRecord<String, String>> records, List<Long> accounts) {
        Set<String> keys = new HashSet<>();
        accounts.forEach(a -> keys.add(Long.toString(a)));
        return records.stream().filter(r -> keys.contains(r.key())).toList();
    }

    private int pending(long account) {
        return jdbc.sql("SELECT count(*) FROM outbox_events WHERE message_key = :key AND published_at IS NULL")
                .param("key", Long.toString(account))
                .query(Integer.class)
                .single();
    }

    private void awaitPublished(long account) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> pending(account) == 0);
    }

    private static List<ConsumerRecord<String, String>> ofKey(
            List<ConsumerRecord<String, String>> records, long account) {
        Set<String> seen = new HashSet<>();
        return records.stream()
                .filter(r -> Long.toString(account).equals(r.key()))
                .filter(r -> seen.add(r.topic() + "/" + r.partition() + "/" + r.offset()))
                .toList();
    }
}
