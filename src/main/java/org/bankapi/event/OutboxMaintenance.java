package org.bankapi.event;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The outbox's gauges (backlog and age of the oldest pending event, refreshed every few seconds
 * rather than on every scrape) and the removal of published rows after {@link #RETENTION}.
 */
@Component
class OutboxMaintenance {

    static final Duration RETENTION = Duration.ofDays(7);
    static final int DELETE_BATCH_MAX = 10_000;
    private static final Logger log = LoggerFactory.getLogger(OutboxMaintenance.class);

    private final OutboxRepository outbox;
    private final Clock clock;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMs = new AtomicLong();

    OutboxMaintenance(OutboxRepository outbox, Clock clock, MeterRegistry registry) {
        this.outbox = outbox;
        this.clock = clock;
        Gauge.builder("outbox.backlog", backlog, AtomicLong::get)
                .description("Outbox events not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("outbox.oldest.age", oldestAgeMs, ms -> ms.get() / 1000.0)
                .description("Age of the oldest unpublished outbox event (0 when none)")
                .baseUnit("seconds")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "PT5S", initialDelayString = "PT1S")
    void refreshGauges() {
        OutboxRepository.Backlog now = outbox.backlog();
        backlog.set(now.pending());
        Instant oldest = now.oldest();
        oldestAgeMs.set(
                oldest == null
                        ? 0
                        : Math.max(0, Duration.between(oldest, clock.instant()).toMillis()));
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
    void removePublished() {
        Instant cutoff = clock.instant().minus(RETENTION);
        int removed;
        int total = 0;
        do {
            removed = outbox.deletePublishedBefore(cutoff, DELETE_BATCH_MAX);
            total += removed;
        } while (removed == DELETE_BATCH_MAX);
        if (total > 0) {
            log.info("Removed {} published outbox events older than {}", total, RETENTION);
        }
    }
}
