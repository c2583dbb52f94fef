package org.bankapi.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        Api.Response reversal = api.as(bank.admin()).post("/transactions/" + transfer.json().get("id").asLong() + "/reverse", Map.of());
        assertThat(reversal.status()).as(reversal.toString()).isEqualTo(201);
        List<JsonNode> history = new ArrayList<>();
        api.as(bank.admin()).get("/transactions?account_id=" + a).json().get("items").forEach(history::add);
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
            assertThat(view).as("event of a transaction of the account: " + record.value()).isNotNull();
            assertThat(event.get("occurred_at").asString()).isEqualTo(view.get("created_at").asString());
            assertThat(tx.propertyNames()).containsExactlyInAnyOrderElementsOf(view.propertyNames());
            for (String field : List.of("id", "type", "amount", "currency", "account_id", "target_account_id", "description", "created_at")) {
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
        List<Long> ids = events.stream().map(r -> Api.JSON.readTree(r.value()).get("transaction").get("id").asLong()).toList();
        assertThat(ids).hasSize(6).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void twoRelaysAtOncePublishEachRowOnceInAccountOrder() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        OutboxRelay second = new OutboxRelay(outbox, kafka, transactions, Clock.systemUTC(), new SimpleMeterRegistry());
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
                        assertThat(bank.deposit(bank.admin(), account, "1").status()).isEqualTo(201);
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
                    .map(r -> Api.JSON.readTree(r.value()).get("transaction").get("id").asLong())
                    .toList();
            assertThat(ids).as("events of account " + account).hasSize(16).doesNotHaveDuplicates().isSorted();
        }
    }

    @Test
    void exposesTheOutboxMetrics() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "10");
        awaitPublished(a);
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = api.anonymous().get("/metrics").text();
            assertThat(metrics).contains("outbox_backlog{", "outbox_oldest_age_seconds{",
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

    private int pending(long account) {
        return jdbc.sql("SELECT count(*) FROM outbox_events WHERE message_key = :key AND published_at IS NULL")
                .param("key", Long.toString(account))
                .query(Integer.class)
                .single();
    }

    private void awaitPublished(long account) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> pending(account) == 0);
    }

    private static List<ConsumerRecord<String, String>> ofKey(List<ConsumerRecord<String, String>> records, long account) {
        Set<String> seen = new HashSet<>();
        return records.stream().filter(r -> Long.toString(account).equals(r.key()))
                .filter(r -> seen.add(r.topic() + "/" + r.partition() + "/" + r.offset()))
                .toList();
    }
}
