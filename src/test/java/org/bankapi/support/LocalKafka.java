package org.bankapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import kafka.server.BrokerServer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One in-JVM Kafka broker (KRaft, no ZooKeeper) per JVM, for the tests and for
 * {@code spring-boot:test-run}; never in the production jar. It listens on a fixed port chosen at
 * start, so that {@link #stopBroker()} and {@link #startBroker()} can simulate an outage and the
 * clients find it again afterwards with its data intact.
 */
public final class LocalKafka {

    public static final int PARTITIONS = 3;
    private static EmbeddedKafkaKraftBroker broker;

    private LocalKafka() {}

    /** Starts the broker on first call; returns its bootstrap servers ({@code 127.0.0.1:port}). */
    public static synchronized String start() {
        if (broker == null) {
            EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
            started.kafkaPorts(freePort());
            started.brokerProperty("num.partitions", PARTITIONS);
            started.brokerProperty("auto.create.topics.enable", true);
            // one broker: the transaction log cannot have the default three replicas
            started.brokerProperty("transaction.state.log.replication.factor", (short) 1);
            started.brokerProperty("transaction.state.log.min.isr", 1);
            started.afterPropertiesSet();
            broker = started;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "local-kafka-stop"));
        }
        return broker.getBrokersAsString();
    }

    public static synchronized EmbeddedKafkaKraftBroker broker() {
        start();
        return broker;
    }

    /** Shuts the broker down (its controller and data stay), as a crash or an outage would look to clients. */
    public static synchronized void stopBroker() {
        BrokerServer server = server();
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on the same port. */
    public static synchronized void startBroker() {
        server().startup();
    }

    private static BrokerServer server() {
        return broker().getCluster().brokers().values().iterator().next();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for Kafka", e);
        }
    }
}
