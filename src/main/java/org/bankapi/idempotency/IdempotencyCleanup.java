package org.bankapi.idempotency;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Forgets Idempotency-Keys after their retention: the original FastAPI design promises at least 24 h; they are kept 48 h. */
@Component
class IdempotencyCleanup {

    static final Duration RETENTION = Duration.ofHours(48);
    private static final Logger log = LoggerFactory.getLogger(IdempotencyCleanup.class);

    private final IdempotencyRepository repository;
    private final Clock clock;

    IdempotencyCleanup(IdempotencyRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void removeExpired() {
        int removed = repository.deleteOlderThan(clock.instant().minus(RETENTION));
        if (removed > 0) {
            log.info("Removed {} expired idempotency keys", removed);
        }
    }
}
