package org.bankapi.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the last committed relay transaction on the topic holds: its batch number and the outbox ids
 * of all its records. Read with a {@code read_committed} consumer from the newest records of every
 * partition (aborted records are invisible to it), so a relay that takes over marks exactly those
 * rows published instead of sending them twice.
 */
record LastRelayTransaction(long batch, long[] outboxIds) {

    /** Header on every record: the outbox row id. */
    static final String OUTBOX_ID = "outbox-id";
    /** Header on every record: the relay transaction's batch number, growing by one per transaction. */
    static final String BATCH = "outbox-batch";
    /** Header on the last record of a transaction: all its outbox ids ({@link IdRanges}). */
    static final String BATCH_IDS = "outbox-batch-ids";
    /** How far back a partition is searched for a relay record (aborted or foreign records in between). */
    static final int SCAN_BACK_MAX = 200 * OutboxRelay.BATCH_SIZE_MAX;

    private static final int WINDOW_MIN = 64;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(LastRelayTransaction.class);

    static final LastRelayTransaction NONE = new LastRelayTransaction(0, new long[0]);

    /** Reads the topic's tail; {@link #NONE} when the topic holds no relay transaction yet. */
    static LastRelayTransaction read(KafkaClients kafka, String clientId) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.relayReaderProperties(clientId))) {
            List<PartitionInfo> infos = consumer.partitionsFor(kafka.topic(), KafkaClients.ADMIN_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return NONE;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            // read_committed: the end is the last stable offset, beyond which nothing is committed yet
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KafkaClients.ADMIN_TIMEOUT);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, KafkaClients.ADMIN_TIMEOUT);
            List<ConsumerRecord<String, String>> newest = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                newestRelayRecord(consumer, partition, begins.get(partition), ends.get(partition))
                        .ifPresent(newest::add);
            }
            long batch = newest.stream().mapToLong(r -> number(r, BATCH)).max().orElse(0);
            if (batch == 0) {
                return NONE;
            }
            // the transaction's last record is the newest relay record of its partition and names every id
            for (ConsumerRecord<String, String> record : newest) {
                Header ids = record.headers().lastHeader(BATCH_IDS);
                if (number(record, BATCH) == batch && ids != null) {
                    return new LastRelayTransaction(
                            batch, IdRanges.decode(new String(ids.value(), StandardCharsets.UTF_8)));
                }
            }
            throw new IllegalStateException("the last relay transaction on " + kafka.topic() + " (batch " + batch
                    + ") has no record naming its outbox ids; refusing to publish rather than risk duplicates");
        }
    }

    /** The newest committed record carrying a batch number in one partition, searching back in growing windows. */
    private static Optional<ConsumerRecord<String, String>> newestRelayRecord(
            KafkaConsumer<String, String> consumer, TopicPartition partition, long begin, long end) {
        consumer.assign(List.of(partition));
        long to = end;
        long window = WINDOW_MIN;
        while (to > begin) {
            long from = Math.max(begin, to - window);
            ConsumerRecord<String, String> found = null;
            consumer.seek(partition, from);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (consumer.position(partition) < to) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " up to offset " + to);
                }
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200)).records(partition)) {
                    if (record.offset() < to && record.headers().lastHeader(BATCH) != null) {
                        found = record;
                    }
                }
            }
            if (found != null) {
                return Optional.of(found);
            }
            if (end - from >= SCAN_BACK_MAX) {
                log.warn(
                        "No relay record in the last {} records of {}: assuming no relay transaction there",
                        end - from,
                        partition);
                return Optional.empty();
            }
            to = from;
            window *= 4;
        }
        return Optional.empty();
    }

    private static long number(ConsumerRecord<String, String> record, String header) {
        Header value = record.headers().lastHeader(header);
        return value == null ? 0 : Long.parseLong(new String(value.value(), StandardCharsets.UTF_8));
    }
}
