package org.bankapi.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LocalBalanceStoreTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final LocalBalanceStore store = new LocalBalanceStore(Duration.ofSeconds(10), 100, now::get);

    @Test
    void anOlderVersionNeverReplacesANewerOne() {
        store.putIfNewer(List.of(new CachedBalance(7, 500, 3)));
        store.putIfNewer(List.of(new CachedBalance(7, 100, 2)));
        assertThat(store.get(List.of(7L))).containsEntry(7L, new CachedBalance(7, 500, 3));
        store.putIfNewer(List.of(new CachedBalance(7, 900, 4)));
        assertThat(store.get(List.of(7L))).containsEntry(7L, new CachedBalance(7, 900, 4));
    }

    @Test
    void entriesExpire() {
        store.putIfNewer(List.of(new CachedBalance(8, 500, 1)));
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(store.get(List.of(8L))).isEmpty();
        store.putIfNewer(List.of(new CachedBalance(8, 100, 0)));
        assertThat(store.get(List.of(8L))).containsEntry(8L, new CachedBalance(8, 100, 0));
    }

    @Test
    void staysWithinItsBound() {
        for (long id = 1; id <= 1_000; id++) {
            store.putIfNewer(List.of(new CachedBalance(id, id, 1)));
        }
        assertThat(store.get(LongStream.rangeClosed(1, 1_000).boxed().toList()))
                .as("entries kept")
                .hasSizeLessThanOrEqualTo(100);
    }
}
