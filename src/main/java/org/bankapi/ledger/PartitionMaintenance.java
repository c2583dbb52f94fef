package org.bankapi.ledger;

import java.sql.Date;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps monthly transaction partitions ahead of the clock: at start-up and daily, the last month,
 * this month and the next {@value #MONTHS_AHEAD} exist, so no insert ever finds its partition missing.
 */
@Component
class PartitionMaintenance implements SmartInitializingSingleton {

    static final int MONTHS_AHEAD = 3;
    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    PartitionMaintenance(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ensurePartitions();
    }

    @Scheduled(cron = "0 17 3 * * *", zone = "UTC")
    void ensurePartitions() {
        LocalDate lastMonth = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .withDayOfMonth(1)
                .minusMonths(1);
        Integer created = jdbc.sql("SELECT ensure_transaction_partitions(:first, :months)")
                .param("first", Date.valueOf(lastMonth))
                .param("months", MONTHS_AHEAD + 2)
                .query(Integer.class)
                .single();
        if (created > 0) {
            log.info("Created {} transaction partitions", created);
        }
    }
}
