package org.bankapi.fraud;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.bankapi.event.KafkaClients;
import org.bankapi.event.TransactionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The fraud consumer: reads the transaction topic, hands each record to {@link FraudDetector} and
 * commits its offset only after the detector's database transaction committed (ack mode RECORD).
 * An unreadable record goes to {@code <topic>.DLT} at once; any other failure (the database being
 * away) is retried with backoff, without limit, so no event is skipped. It starts in the background:
 * its topic check and group join take a second or two that a restarting instance should not wait for.
 */
@Component
class FraudConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FraudConsumer.class);

    private final KafkaClients kafka;
    private final FraudDetector detector;
    private final MeterRegistry registry;
    private ConcurrentMessageListenerContainer<String, String> container;
    private DefaultKafkaProducerFactory<String, String> deadLetterProducers;
    /** The thread that starts the container, until it has. */
    private Thread starting;

    FraudConsumer(KafkaClients kafka, FraudDetector detector, MeterRegistry registry) {
        this.kafka = kafka;
        this.detector = detector;
        this.registry = registry;
    }

    @Override
    public synchronized void start() {
        if (container != null || starting != null || !kafka.consumerEnabled()) {
            return;
        }
        starting = Thread.ofPlatform().name("fraud-consumer-start").daemon().start(() -> {
            try {
                startContainer();
            } catch (RuntimeException e) {
                log.error("The fraud consumer did not start", e);
            }
        });
    }

    private synchronized void startContainer() {
        if (starting == null) {
            return; // stopped before it began
        }
        starting = null;
        kafka.ensureTopics();
        DefaultKafkaConsumerFactory<String, String> consumers = new DefaultKafkaConsumerFactory<>(
                kafka.consumerProperties("bank-fraud-consumer", KafkaClients.FRAUD_GROUP_ID));
        consumers.addListener(new MicrometerConsumerListener<>(registry));
        deadLetterProducers = new DefaultKafkaProducerFactory<>(kafka.producerProperties("bank-fraud-dlt"));
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(
                new KafkaTemplate<>(deadLetterProducers),
                (record, e) -> new TopicPartition(kafka.deadLetterTopic(), -1));
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(10_000);
        DefaultErrorHandler errors = new DefaultErrorHandler(
                (record, e) -> {
                    log.warn(
                            "Unreadable transaction event parked on {}: partition {} offset {}: {}",
                            kafka.deadLetterTopic(),
                            record.partition(),
                            record.offset(),
                            rootMessage(e));
                    recoverer.accept(record, e);
                },
                backOff);
        // database outages are retried forever (no alert is lost); an event that can never be stored is parked
        errors.addNotRetryableExceptions(
                TransactionEvent.InvalidEventException.class,
                DataIntegrityViolationException.class,
                IllegalArgumentException.class);
        errors.setCommitRecovered(true);

        ContainerProperties properties = new ContainerProperties(kafka.topic());
        properties.setAckMode(ContainerProperties.AckMode.RECORD);
        properties.setMessageListener((MessageListener<String, String>) this::onRecord);
        properties.setMicrometerEnabled(false);
        container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        container.setCommonErrorHandler(errors);
        container.setBeanName("fraud-consumer");
        container.start();
        log.info("Fraud consumer started on topic {} (group {})", kafka.topic(), KafkaClients.FRAUD_GROUP_ID);
    }

    private void onRecord(ConsumerRecord<String, String> record) {
        detector.handle(record.value());
    }

    private static String rootMessage(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public void stop() {
        Thread pending;
        synchronized (this) {
            pending = starting;
            starting = null;
        }
        if (pending != null) {
            try {
                pending.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopContainer();
    }

    private synchronized void stopContainer() {
        if (container != null) {
            container.stop();
            container = null;
        }
        if (deadLetterProducers != null) {
            deadLetterProducers.destroy();
            deadLetterProducers = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return starting != null || (container != null && container.isRunning());
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
