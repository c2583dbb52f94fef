import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The Kafka chores of scripts/cluster.sh and scripts/e2e-cluster.sh, run with the broker's own jars
 * (java -cp 'lib/*' ClusterKafka.java ...), since Maven Central's Kafka artifacts carry no CLI tools:
 *   topics BOOTSTRAP RF MIN_ISR PARTS SECS T.. create the topics (retrying while brokers start, or find
 *                                              them) and wait until every partition has RF in-sync replicas
 *   dump BOOTSTRAP TOPIC SECS                  every committed record (read_committed), one JSON line each
 */
public class ClusterKafka {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        switch (args[0]) {
            case "topics" -> topics(args[1], Short.parseShort(args[2]), args[3], Integer.parseInt(args[4]),
                    Long.parseLong(args[5]), List.of(args).subList(6, args.length));
            case "dump" -> dump(args[1], args[2], Long.parseLong(args[3]));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ClusterKafka topics BOOTSTRAP RF MIN_ISR PARTITIONS SECS TOPIC... | dump BOOTSTRAP TOPIC SECS");
        System.exit(64);
    }

    private static Admin admin(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        return Admin.create(props);
    }

    private static void topics(String bootstrap, short rf, String minIsr, int partitions, long secs, List<String> names)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        try (Admin admin = admin(bootstrap)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, Optional.of(partitions), Optional.of(rf))
                        .configs(Map.of("min.insync.replicas", minIsr, "unclean.leader.election.enable", "false")));
            }
            // the brokers may still be starting: retry until every topic exists or the deadline passes
            List<NewTopic> pending = new ArrayList<>(topics);
            while (!pending.isEmpty()) {
                var result = admin.createTopics(pending);
                List<NewTopic> again = new ArrayList<>();
                for (NewTopic topic : pending) {
                    try {
                        result.values().get(topic.name()).get(10, TimeUnit.SECONDS);
                        System.out.println("created " + topic.name() + ": " + partitions + " partitions, replication factor " + rf
                                + ", min.insync.replicas " + minIsr);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicExistsException) {
                            System.out.println("exists " + topic.name());
                        } else {
                            again.add(topic);
                            if (System.nanoTime() > deadline) {
                                fail("cannot create topic " + topic.name() + " within " + secs + " s: " + e.getCause());
                            }
                        }
                    } catch (java.util.concurrent.TimeoutException e) {
                        again.add(topic);
                        if (System.nanoTime() > deadline) {
                            fail("cannot create topic " + topic.name() + " within " + secs + " s: no answer");
                        }
                    }
                }
                pending = again;
                if (!pending.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            while (true) {
                String missing = null;
                try {
                    Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS);
                    for (TopicDescription d : described.values()) {
                        for (TopicPartitionInfo p : d.partitions()) {
                            if (p.replicas().size() != rf) {
                                fail("topic " + d.name() + " partition " + p.partition() + " has " + p.replicas().size()
                                        + " replicas, expected " + rf + " (delete it or use a fresh cluster directory)");
                            }
                            if (p.leader() == null || p.isr().size() < rf) {
                                missing = d.name() + "-" + p.partition() + " isr " + p.isr().size();
                            }
                        }
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    missing = e.toString();
                }
                if (missing == null) {
                    System.out.println("all partitions have a leader and " + rf + " in-sync replicas");
                    return;
                }
                if (System.nanoTime() > deadline) {
                    fail("topics not fully replicated within " + secs + " s (" + missing + ")");
                }
                Thread.sleep(500);
            }
        }
    }

    /** Reads every partition from the start up to its last stable offset, read_committed. */
    private static void dump(String bootstrap, String topic, long secs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(10));
            StringBuilder out = new StringBuilder();
            long count = 0;
            while (!done(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end within " + secs + " s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.setLength(0);
                    out.append("{\"p\":").append(r.partition()).append(",\"o\":").append(r.offset())
                            .append(",\"k\":").append(quote(r.key())).append(",\"h\":{");
                    boolean first = true;
                    for (Header h : r.headers()) {
                        out.append(first ? "" : ",").append(quote(h.key())).append(':')
                                .append(quote(h.value() == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
                        first = false;
                    }
                    out.append("},\"v\":").append(quote(r.value())).append('}');
                    System.out.println(out);
                    count++;
                }
            }
            System.err.println("read " + count + " committed records of " + topic + " (end offsets " + end.values() + ")");
        }
    }

    private static boolean done(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(10)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void fail(String message) {
        System.err.println("ClusterKafka: " + message);
        System.exit(1);
    }
}
