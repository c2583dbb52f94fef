package org.bankapi.event;

/**
 * The broker (KAFKA_BOOTSTRAP_SERVERS, unset: events wait in the outbox), the topic (KAFKA_TOPIC),
 * how the topics are created (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS) and whether
 * {@code serve} runs the fraud consumer too (CONSUMER_ENABLED).
 */
public record KafkaSettings(
        String bootstrapServers, String topic, int replicationFactor, int minInsyncReplicas, boolean consumerEnabled) {}
