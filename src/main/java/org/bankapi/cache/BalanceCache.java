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
 * The balance shown by account reads. Protocol (why a read after a write never shows the old figure):
 * every committed balance change bumps the account's {@code balance_version}; after the commit the
 * writer reads the committed (balance, version) and stores it "if newer", so from then on the cache
 * holds that version or a later one; a reader that read the database before the commit and stores
 * afterwards holds an older version and is refused by the same rule. Reads also carry the version of
 * the row they just read, and an entry older than that is never shown (it is counted {@code stale} and
 * replaced), which covers refreshes lost while the store was unreachable. Inside a database
 * transaction the cache is neither read nor written: uncommitted figures never reach it. Money
 * decisions never come here; the ledger decides under row locks. Store failures (bounded by the
 * command timeout) open a short break during which reads go to the database only. Account reads
 * do not ask it: they read the row, whose balance is the newest committed figure, so the cache
 * could only agree or be older; it serves lookups that have a (balance, version) but not a fresh row.
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
