package org.bankapi.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.bankapi.Settings;
import org.bankapi.support.LocalKafka;
import org.junit.jupiter.api.Test;

/** The Kafka client settings against the in-JVM broker: what the relay, the consumers and topic creation ask for. */
class KafkaClientsTest {

    private static KafkaClients clients(String topic, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("KAFKA_BOOTSTRAP_SERVERS", LocalKafka.start());
        env.put("KAFKA_TOPIC", topic);
        Settings settings = Settings.from(env::get);
        return new KafkaClients(settings.kafka(), settings.process());
    }

    @Test
    void theRelayProducerIsTransactionalWithOneStableIdAndWaitsForAllReplicas() {
        KafkaClients one = clients("events-a", Map.of());
        KafkaClients other = clients("events-a", Map.of());
        Map<String, Object> props = one.transactionalProducerProperties("relay-1");
        assertThat(props)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bank-outbox-relay-events-a");
        assertThat(other.transactionalProducerProperties("relay-2").get(ProducerConfig.TRANSACTIONAL_ID_CONFIG))
                .as("every instance fences the others")
                .isEqualTo(props.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
        assertThat(clients("events-b", Map.of()).transactionalId()).isNotEqualTo(one.transactionalId());
    }

    @Test
    void consumersReadOnlyCommittedRecords() {
        KafkaClients kafka = clients("events-a", Map.of());
        assertThat(kafka.consumerProperties("fraud", KafkaClients.FRAUD_GROUP_ID))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        assertThat(kafka.relayReaderProperties("reader"))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    @Test
    void aLostFraudConsumersPartitionsMoveWithinFifteenSecondsNotKafkasFortyFive() {
        Map<String, Object> props =
                clients("events-a", Map.of()).consumerProperties("fraud", KafkaClients.FRAUD_GROUP_ID);
        assertThat((Integer) props.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))
                .isEqualTo(15_000);
        assertThat((Integer) props.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))
                .as("three heartbeats per session, as Kafka advises")
                .isEqualTo(5_000);
    }

    @Test
    void createsMissingTopicsWithTheConfiguredReplicationAndMinimumInSyncReplicas() throws Exception {
        String topic = "created-" + UUID.randomUUID();
        KafkaClients kafka = clients(topic, Map.of("KAFKA_REPLICATION_FACTOR", "1", "KAFKA_MIN_INSYNC_REPLICAS", "1"));

        assertThat(kafka.ensureTopics()).isTrue();

        try (Admin admin = admin()) {
            for (String name : List.of(topic, topic + ".DLT")) {
                // a new topic reaches the broker's metadata a moment after its creation
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                    TopicDescription description = admin.describeTopics(List.of(name))
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .get(name);
                    assertThat(description.partitions())
                            .allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                    var minIsr = admin.describeConfigs(List.of(resource))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .get(resource)
                            .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                    assertThat(minIsr.value()).isEqualTo("1");
                    assertThat(minIsr.source())
                            .as("set on the topic, not the broker's default")
                            .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                });
            }
        }
    }

    @Test
    void aReplicationFactorTheClusterCannotHonourCreatesNothing() throws Exception {
        String topic = "too-wide-" + UUID.randomUUID();
        KafkaClients kafka = clients(topic, Map.of("KAFKA_REPLICATION_FACTOR", "3", "KAFKA_MIN_INSYNC_REPLICAS", "2"));

        assertThat(kafka.ensureTopics()).isFalse();

        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(topic);
        }
    }

    @Test
    void usesATopicThatAlreadyExistsAsItIs() throws Exception {
        String topic = "existing-" + UUID.randomUUID();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(2), Optional.empty())))
                    .all()
                    .get(10, TimeUnit.SECONDS);
        }
        KafkaClients kafka = clients(topic, Map.of("KAFKA_REPLICATION_FACTOR", "1"));

        assertThat(kafka.ensureTopics()).isTrue();

        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions())
                    .hasSize(2);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.start()));
    }
}
