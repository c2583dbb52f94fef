package org.bankapi.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Committed balances with their balance_version, kept so that a lookup need not read the account row;
 * an older figure never replaces or hides a newer one. The protocol: docs/observability.md, "Balance cache".
 */
public class BalanceCache {

    private static final Logger log = LoggerFactory.getLogger(BalanceCache.class);

    private final BalanceStore store;
    private final long breakNanos;
    private final AtomicLong brokenUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean broken;
    private final Counter hits;
    private final Counter misses;
    private final Counter stale;
    private final Counter errors;

    BalanceCache(BalanceStore store, Duration breakDuration, MeterRegistry registry) {
        this.store = store;
        this.breakNanos = breakDuration.toNanos();
        this.hits = counter(registry, "hit");
        this.misses = counter(registry, "miss");
        this.stale = counter(registry, "stale");
        this.errors = counter(registry, "error");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("balance.cache.requests")
                .description(
                        "Balance cache lookups by result: hit, miss, stale (older than the database row), error (store unreachable)")
                .tag("result", result)
                .register(registry);
    }

    /** The balances to show, by account id, for rows just read from the database. */
    public Map<Long, Long> balances(List<CachedBalance> fromDatabase) {
        Map<Long, Long> shown = new LinkedHashMap<>();
        fromDatabase.forEach(row -> shown.put(row.accountId(), row.balanceMinor()));
        if (fromDatabase.isEmpty() || TransactionSynchronizationManager.isActualTransactionActive()) {
            return shown;
        }
        if (isBroken()) {
            errors.increment(fromDatabase.size());
            return shown;
        }
        Map<Long, CachedBalance> cached;
        try {
            cached = store.get(
                    fromDatabase.stream().map(CachedBalance::accountId).toList());
        } catch (RuntimeException e) {
            failed(e, fromDatabase.size());
            return shown;
        }
        try {
            List<CachedBalance> refill = new ArrayList<>();
            for (CachedBalance row : fromDatabase) {
                CachedBalance entry = cached.get(row.accountId());
                if (entry == null) {
                    misses.increment();
                    refill.add(row);
                } else if (entry.version() < row.version()) {
                    stale.increment();
                    refill.add(row);
                } else {
                    hits.increment();
                    shown.put(row.accountId(), entry.balanceMinor());
                }
            }
            store.putIfNewer(refill);
            recovered();
        } catch (RuntimeException e) {
            failed(e, 0);
        }
        return shown;
    }

    /** After a commit: store the figures it committed (each with its row's new version). */
    public void committed(List<CachedBalance> balances) {
        if (balances.isEmpty() || isBroken()) {
            return;
        }
        try {
            store.putIfNewer(balances);
            recovered();
        } catch (RuntimeException e) {
            failed(e, 0);
        }
    }

    /** Connects to the store ahead of the first request; a failure only opens the break. */
    void warmUp() {
        try {
            store.get(List.of(0L));
            recovered();
        } catch (RuntimeException e) {
            failed(e, 0);
        }
    }

    private boolean isBroken() {
        return broken && System.nanoTime() - brokenUntilNanos.get() < 0;
    }

    private void failed(RuntimeException e, int lookups) {
        errors.increment(lookups);
        brokenUntilNanos.set(System.nanoTime() + breakNanos);
        if (!broken) {
            broken = true;
            log.atWarn()
                    .addKeyValue("event.action", "balance-cache-unavailable")
                    .log(
                            "Balance cache unavailable ({}): balances come from the database for {} ms at a time until it answers",
                            e.getClass().getSimpleName(),
                            breakNanos / 1_000_000);
        }
    }

    private void recovered() {
        if (broken) {
            broken = false;
            log.atInfo().addKeyValue("event.action", "balance-cache-recovered").log("Balance cache available again");
        }
    }
}
