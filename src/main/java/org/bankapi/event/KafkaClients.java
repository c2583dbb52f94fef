package org.bankapi.event;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bankapi.config.ProcessSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Kafka client configuration, from {@link KafkaSettings} only (never spring.kafka.* defaults): without
 * KAFKA_BOOTSTRAP_SERVERS there is no client at all, and one warning says that events wait in the outbox.
 * Timeouts are short so that an absent broker makes the relay back off rather than hang.
 */
@Component
public class KafkaClients {

    public static final String FRAUD_GROUP_ID = "bank-fraud-detector";
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    /** An open relay transaction is aborted by the broker after this, if its relay died and none took over. */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
    /** A killed instance's fraud partitions move to another after this (Kafka's default: 45 s). */
    static final Duration CONSUMER_SESSION_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);

    private final KafkaSettings settings;
    private final ProcessSettings process;

    KafkaClients(KafkaSettings settings, ProcessSettings process) {
        this.settings = settings;
        this.process = process;
        if (!configured()) {
            log.warn(
                    "KAFKA_BOOTSTRAP_SERVERS is not set: transaction events stay in the outbox until a broker is configured, "
                            + "and the fraud consumer is off");
        }
    }

    public boolean configured() {
        return settings.bootstrapServers() != null;
    }

    /** The relay publishes in {@code serve}; {@code consume} runs the consumer alone. */
    public boolean relayEnabled() {
        return configured() && !process.consumes();
    }

    public boolean consumerEnabled() {
        return configured() && (process.consumes() || settings.consumerEnabled());
    }

    public String topic() {
        return settings.topic();
    }

    public String deadLetterTopic() {
        return settings.topic() + ".DLT";
    }

    /** An idempotent producer that waits for all in-sync replicas (the fraud consumer's dead letters). */
    public Map<String, Object> producerProperties(String clientId) {
        Map<String, Object> props = common(clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return props;
    }

    /**
     * The relay's transactional producer: the same {@code transactional.id} on every instance (per
     * topic), so a relay that starts publishing fences any earlier one, whose open transaction is
     * aborted and which can commit nothing more (see docs/events.md).
     */
    public Map<String, Object> transactionalProducerProperties(String clientId) {
        Map<String, Object> props = producerProperties(clientId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        return props;
    }

    public String transactionalId() {
        return "bank-outbox-relay-" + topic();
    }

    /** A consumer of the relay's own, read_committed, assigned by hand (no group): it reads the topic's newest records. */
    public Map<String, Object> relayReaderProperties(String clientId) {
        Map<String, Object> props = common(clientId);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return props;
    }

    /** Offsets are committed by the listener container after each record, never automatically. */
    public Map<String, Object> consumerProperties(String clientId, String groupId) {
        Map<String, Object> props = common(clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) CONSUMER_SESSION_TIMEOUT.toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) CONSUMER_SESSION_TIMEOUT.toMillis() / 3);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return props;
    }

    /**
     * Creates the event and dead-letter topics when they are missing, with the broker's default
     * partition count, KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS; an existing topic is
     * used as it is (a cluster's operator may create it beforehand). Best effort.
     */
    public boolean ensureTopics() {
        Map<String, Object> props = common("bank-admin");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        Optional<Short> replication = Optional.of((short) settings.replicationFactor());
        Map<String, String> configs =
                Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(settings.minInsyncReplicas()));
        try (Admin admin = Admin.create(props)) {
            var result = admin.createTopics(List.of(
                    new NewTopic(topic(), Optional.empty(), replication).configs(configs),
                    new NewTopic(deadLetterTopic(), Optional.empty(), replication).configs(configs)));
            for (var future : result.values().values()) {
                try {
                    future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("Could not create the Kafka topics yet: {}", e.toString());
            return false;
        }
    }

    private Map<String, Object> common(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return props;
    }
}
