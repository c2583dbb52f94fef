package org.bankapi.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The cache of a single instance (no REDIS_URL): bounded, with a time to live, and the same
 * "only newer versions replace older ones" rule as Redis, applied atomically per account.
 */
final class LocalBalanceStore implements BalanceStore {

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int entriesMax;
    private final LongSupplier nanoTime;

    LocalBalanceStore(Duration ttl, int entriesMax, LongSupplier nanoTime) {
        if (ttl.isNegative() || ttl.isZero() || entriesMax < 1) {
            throw new IllegalArgumentException("ttl " + ttl + ", entriesMax " + entriesMax);
        }
        this.ttlNanos = ttl.toNanos();
        this.entriesMax = entriesMax;
        this.nanoTime = nanoTime;
    }

    @Override
    public Map<Long, CachedBalance> get(List<Long> accountIds) {
        long now = nanoTime.getAsLong();
        Map<Long, CachedBalance> found = new LinkedHashMap<>();
        for (long id : accountIds) {
            Entry entry = entries.get(id);
            if (entry != null && now - entry.expiresAtNanos() < 0) {
                found.put(id, entry.balance());
            }
        }
        return found;
    }

    @Override
    public void putIfNewer(Collection<CachedBalance> balances) {
        long now = nanoTime.getAsLong();
        for (CachedBalance balance : balances) {
            entries.compute(
                    balance.accountId(),
                    (id, current) -> current != null
                                    && now - current.expiresAtNanos() < 0
                                    && current.balance().version() >= balance.version()
                            ? current
                            : new Entry(balance, now + ttlNanos));
        }
        if (entries.size() > entriesMax) {
            shrink(now);
        }
    }

    /** Drops expired entries, then arbitrary ones, down to 90% of the bound: a miss only costs a database read. */
    private void shrink(long now) {
        entries.values().removeIf(entry -> now - entry.expiresAtNanos() >= 0);
        Iterator<Long> ids = entries.keySet().iterator();
        while (entries.size() > entriesMax * 9L / 10 && ids.hasNext()) {
            ids.next();
            ids.remove();
        }
    }

    private record Entry(CachedBalance balance, long expiresAtNanos) {}
}
