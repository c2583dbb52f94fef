package org.bankapi.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.bankapi.event.KafkaClients;
import org.bankapi.support.Api;
import org.bankapi.support.Bank;
import org.bankapi.support.KafkaApiTest;
import org.bankapi.support.LocalKafka;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class FraudConsumerKafkaTest extends KafkaApiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    JdbcClient jdbc;

    @Test
    void flagsATransferAboveTheThresholdOnceAndSmallerOnesNever() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "50000");
        long b = bank.openAccount(Bank.newOwner(), null);
        long small = id(bank.transfer(bank.admin(), a, b, "25"));
        long atThreshold = id(bank.transfer(bank.admin(), a, b, "10000.00"));
        long big = id(bank.transfer(bank.admin(), a, b, "10000.01"));

        JsonNode alert = awaitAlert(api, bank, big, "amount_threshold");

        assertThat(alert.get("amount").asString()).isEqualTo("10000.01");
        assertThat(alert.get("created_at").asString()).isNotBlank();
        assertThat(FraudAlerts.ofTransaction(jdbc, big)).hasSize(1);
        assertThat(FraudAlerts.ofTransaction(jdbc, small)).isEmpty();
        assertThat(FraudAlerts.ofTransaction(jdbc, atThreshold)).isEmpty();
        long opening = jdbc.sql("SELECT min(id) FROM transactions WHERE account_id = :a")
                .param("a", a)
                .query(Long.class)
                .single();
        assertThat(FraudAlerts.ofTransaction(jdbc, opening))
                .extracting(FraudAlert::rule)
                .containsExactly(FraudRule.AMOUNT_THRESHOLD);
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(SENTINEL.events).anySatisfy(event -> {
                    assertThat(event.get("EventType").asString()).isEqualTo("fraud_alert");
                    assertThat(event.get("Details").get("transaction_id").asLong())
                            .isEqualTo(big);
                    assertThat(event.get("Details").get("rule").asString()).isEqualTo("amount_threshold");
                    assertThat(event.get("Details").get("amount").asString()).isEqualTo("10000.01");
                }));
    }

    @Test
    void flagsTheTransactionThatGoesBeyondTheVelocityLimit() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "100");
        long[] ids = new long[11];
        ids[0] = jdbc.sql("SELECT min(id) FROM transactions WHERE account_id = :a")
                .param("a", a)
                .query(Long.class)
                .single();
        for (int i = 1; i < ids.length; i++) {
            ids[i] = id(bank.withdraw(bank.admin(), a, "1"));
        }

        awaitAlert(api, bank, ids[10], "velocity");

        for (int i = 0; i < 10; i++) {
            assertThat(FraudAlerts.ofTransaction(jdbc, ids[i]))
                    .as("transaction %d of 11", i + 1)
                    .isEmpty();
        }
        assertThat(FraudAlerts.ofTransaction(jdbc, ids[10]))
                .extracting(FraudAlert::rule)
                .containsExactly(FraudRule.VELOCITY);
    }

    @Test
    void storesOneAlertWhenAnEventIsDeliveredTwice() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "20000");
        long b = bank.openAccount(Bank.newOwner(), null);
        long big = id(bank.transfer(bank.admin(), a, b, "15000"));
        awaitAlert(api, bank, big, "amount_threshold");
        String payload = jdbc.sql(
                        "SELECT payload FROM outbox_events WHERE payload::jsonb -> 'transaction' ->> 'id' = :id")
                .param("id", Long.toString(big))
                .query(String.class)
                .single();

        RecordMetadata again = send(TOPIC, Long.toString(a), payload);
        awaitConsumed(again);

        assertThat(FraudAlerts.ofTransaction(jdbc, big)).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM fraud_alerts WHERE transaction_id = :t")
                        .param("t", big)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void parksAPoisonMessageOnTheDeadLetterTopicAndMovesOn() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "30000");
        long b = bank.openAccount(Bank.newOwner(), null);
        long big = id(bank.transfer(bank.admin(), a, b, "12000"));
        String payload = jdbc.sql(
                        "SELECT payload FROM outbox_events WHERE payload::jsonb -> 'transaction' ->> 'id' = :id")
                .param("id", Long.toString(big))
                .query(String.class)
                .single();
        ObjectNode future = (ObjectNode) Api.JSON.readTree(payload);
        future.put("version", 99);
        String notJsonKey = "poison-" + UUID.randomUUID();
        String futureKey = "future-" + UUID.randomUUID();

        send(TOPIC, notJsonKey, "this is {not json");
        RecordMetadata last = send(TOPIC, futureKey, Api.JSON.writeValueAsString(future));
        awaitConsumed(last);

        List<ConsumerRecord<String, String>> parked = readUntil(
                TOPIC + ".DLT",
                WAIT,
                records -> records.stream()
                                .filter(r -> notJsonKey.equals(r.key()) || futureKey.equals(r.key()))
                                .count()
                        >= 2);
        assertThat(parked)
                .filteredOn(r -> notJsonKey.equals(r.key()))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.value()).isEqualTo("this is {not json");
                    assertThat(new String(
                                    r.headers()
                                            .lastHeader("kafka_dlt-exception-message")
                                            .value(),
                                    StandardCharsets.UTF_8))
                            .contains("not JSON");
                });
        assertThat(parked)
                .filteredOn(r -> futureKey.equals(r.key()))
                .singleElement()
                .satisfies(r -> assertThat(new String(
                                r.headers()
                                        .lastHeader("kafka_dlt-exception-message")
                                        .value(),
                                StandardCharsets.UTF_8))
                        .contains("unknown event version"));

        long after = id(bank.transfer(bank.admin(), a, b, "10500"));
        awaitAlert(api, bank, after, "amount_threshold");
    }

    @Test
    void listsAlertsPageByPageForAnAdminOnly() {
        Api api = api();
        Bank bank = new Bank(api);
        long a = bank.openAccount(Bank.newOwner(), "30000");
        long first = id(bank.withdraw(bank.admin(), a, "10001"));
        long second = id(bank.withdraw(bank.admin(), a, "10002"));
        awaitAlert(api, bank, second, "amount_threshold");
        awaitAlert(api, bank, first, "amount_threshold");

        Api.Response refused = api.as(api.token("someone", "customer")).get("/fraud-alerts");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("forbidden");
        JsonNode page1 = api.as(bank.admin()).get("/fraud-alerts?limit=1").json();
        assertThat(page1.get("items")).hasSize(1);
        String cursor = page1.get("next_cursor").asString();
        JsonNode page2 = api.as(bank.admin())
                .get("/fraud-alerts?limit=1&cursor=" + cursor)
                .json();
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.get("items").get(0).get("id").asLong())
                .isLessThan(page1.get("items").get(0).get("id").asLong());
        assertThat(api.as(bank.admin()).get("/fraud-alerts?limit=0").status()).isEqualTo(400);
    }

    private static long id(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().get("id").asLong();
    }

    /** Waits until GET /fraud-alerts shows an alert of {@code rule} for the transaction, and returns it. */
    private static JsonNode awaitAlert(Api api, Bank bank, long transactionId, String rule) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JsonNode item :
                    api.as(bank.admin()).get("/fraud-alerts?limit=200").json().get("items")) {
                if (item.get("transaction_id").asLong() == transactionId
                        && rule.equals(item.get("rule").asString())) {
                    found[0] = item;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until the fraud consumer has committed its offset past {@code record}. */
    private static void awaitConsumed(RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.start()))) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(KafkaClients.FRAUD_GROUP_ID)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(partition);
                return committed != null && committed.offset() > record.offset();
            });
        }
    }
}
