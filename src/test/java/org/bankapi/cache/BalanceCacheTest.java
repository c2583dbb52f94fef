package org.bankapi.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronizationManager;

class BalanceCacheTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LocalBalanceStore local = new LocalBalanceStore(Duration.ofMinutes(5), 1_000, System::nanoTime);

    @Test
    void neverShowsAnEntryOlderThanTheRowJustReadAndReplacesIt() {
        BalanceCache cache = new BalanceCache(local, Duration.ofSeconds(2), registry);
        local.putIfNewer(List.of(new CachedBalance(1, 100, 4)));

        assertThat(BalanceCaches.balance(cache, new CachedBalance(1, 250, 5))).isEqualTo(250);

        assertThat(local.get(List.of(1L))).containsEntry(1L, new CachedBalance(1, 250, 5));
        assertThat(count("stale")).isEqualTo(1);
        assertThat(BalanceCaches.balance(cache, new CachedBalance(1, 250, 5))).isEqualTo(250);
        assertThat(count("hit")).isEqualTo(1);
    }

    @Test
    void showsANewerEntryThanTheRowAndKeepsIt() {
        BalanceCache cache = new BalanceCache(local, Duration.ofSeconds(2), registry);
        local.putIfNewer(List.of(new CachedBalance(2, 900, 8)));

        assertThat(BalanceCaches.balance(cache, new CachedBalance(2, 700, 7))).isEqualTo(900);
        assertThat(local.get(List.of(2L))).containsEntry(2L, new CachedBalance(2, 900, 8));
    }

    @Test
    void inADatabaseTransactionTheCacheIsNeitherReadNorWritten() {
        BalanceCache cache = new BalanceCache(local, Duration.ofSeconds(2), registry);
        local.putIfNewer(List.of(new CachedBalance(3, 10, 1)));
        TransactionSynchronizationManager.setActualTransactionActive(true);
        try {
            assertThat(BalanceCaches.balance(cache, new CachedBalance(3, 55, 2)))
                    .isEqualTo(55);
            assertThat(BalanceCaches.balance(cache, new CachedBalance(4, 66, 1)))
                    .isEqualTo(66);
        } finally {
            TransactionSynchronizationManager.setActualTransactionActive(false);
        }
        assertThat(local.get(List.of(3L, 4L))).containsOnlyKeys(3L).containsEntry(3L, new CachedBalance(3, 10, 1));
    }

    @Test
    void aFailingStoreFallsBackToTheDatabaseAndIsLeftAloneDuringTheBreak() {
        AtomicInteger calls = new AtomicInteger();
        BalanceStore down = new BalanceStore() {
            @Override
            public Map<Long, CachedBalance> get(List<Long> accountIds) {
                calls.incrementAndGet();
                throw new IllegalStateException("connection refused");
            }

            @Override
            public void putIfNewer(Collection<CachedBalance> entries) {
                calls.incrementAndGet();
                throw new IllegalStateException("connection refused");
            }
        };
        BalanceCache cache = new BalanceCache(down, Duration.ofMinutes(1), registry);

        for (int i = 0; i < 5; i++) {
            assertThat(BalanceCaches.balance(cache, new CachedBalance(5, 42, 3)))
                    .isEqualTo(42);
        }
        cache.committed(List.of(new CachedBalance(5, 40, 4)));

        assertThat(calls).hasValue(1);
        assertThat(count("error")).isEqualTo(5);
    }

    private double count(String result) {
        var counter =
                registry.find("balance.cache.requests").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}
