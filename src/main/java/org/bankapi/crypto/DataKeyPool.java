package org.bankapi.crypto;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bankapi.observability.Rehearsal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Fresh data keys, generated and wrapped ahead of need in the background, so that opening an account
 * does not wait for key generation or a Key Vault round trip; each key leaves the pool once. The rules:
 * docs/security.md, "Personal data".
 */
@Component
public final class DataKeyPool implements SmartLifecycle, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(DataKeyPool.class);
    private static final long RETRY_DELAY_MS_MIN = 500;
    private static final long RETRY_DELAY_MS_MAX = 30_000;
    /** How often an idle, full pool checks that its keys are still under the current key version. */
    private static final long IDLE_CHECK_MS = 1_000;

    /** A data key in clear with its wrapping by {@code kekId}; to be used for one account only. */
    record FreshKey(String kekId, byte[] key, byte[] wrappedKey) {

        /** Overwrites the key in clear: for a key that will not be used. */
        void destroy() {
            Arrays.fill(key, (byte) 0);
        }
    }

    private final KeyEncryptionKey kek;
    private final int sizeMax;
    private final ConcurrentLinkedQueue<FreshKey> keys = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong madeInline = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition taken = lock.newCondition();
    private volatile Thread refiller;
    private volatile boolean running;

    /** Pre-wraps only in a serving instance (the settings say 0 elsewhere). */
    @Autowired
    DataKeyPool(KeyEncryptionKey kek, CryptoSettings crypto) {
        this(kek, crypto.dataKeyPoolSizeMax());
    }

    DataKeyPool(KeyEncryptionKey kek, int sizeMax) {
        if (sizeMax < 0) {
            throw new IllegalArgumentException("bank.crypto.data-key-pool-size-max must be 0 or more, not " + sizeMax);
        }
        this.kek = kek;
        this.sizeMax = sizeMax;
    }

    /**
     * A key for one account: from the pool when it holds one under the current version, else made now. A
     * {@link Rehearsal}'s key is always made now and never taken from the pool, since its rollback destroys
     * it: the warm-up must not leave the pool empty at readiness.
     */
    FreshKey take() {
        if (Rehearsal.active()) {
            return make();
        }
        String current = kek.currentId();
        FreshKey key;
        while ((key = keys.poll()) != null) {
            size.decrementAndGet();
            if (key.kekId().equals(current)) {
                wakeRefiller();
                return key;
            }
            key.destroy();
            discarded.incrementAndGet();
        }
        wakeRefiller();
        madeInline.incrementAndGet();
        return make();
    }

    private FreshKey make() {
        byte[] key = Aes.newKey();
        KeyEncryptionKey.Wrapped wrapped = kek.wrapCurrent(key);
        return new FreshKey(wrapped.keyId(), key, wrapped.wrappedKey());
    }

    /** data_key_pool_size, data_key_pool_made_inline_total (the pool was empty), data_key_pool_discarded_total (old KEK version). */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("data.key.pool.size", size, AtomicInteger::get)
                .description("Pre-wrapped data keys ready for account openings")
                .register(registry);
        FunctionCounter.builder("data.key.pool.made.inline", madeInline, AtomicLong::get)
                .description("Data keys generated and wrapped on the request path because the pool was empty")
                .register(registry);
        FunctionCounter.builder("data.key.pool.discarded", discarded, AtomicLong::get)
                .description("Pre-wrapped data keys discarded because the key-encryption key version changed")
                .register(registry);
    }

    @Override
    public void start() {
        if (sizeMax == 0 || running) {
            return;
        }
        running = true;
        refiller = Thread.ofVirtual().name("data-key-pool").start(this::refill);
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = refiller;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        FreshKey key;
        while ((key = keys.poll()) != null) {
            size.decrementAndGet();
            key.destroy();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void refill() {
        long retryDelayMs = RETRY_DELAY_MS_MIN;
        boolean failing = false;
        while (running) {
            try {
                discardStale();
                if (size.get() >= sizeMax) {
                    awaitTake();
                    continue;
                }
                FreshKey key = make();
                if (!key.kekId().equals(kek.currentId())) {
                    key.destroy();
                    continue;
                }
                keys.add(key);
                size.incrementAndGet();
                if (failing) {
                    failing = false;
                    retryDelayMs = RETRY_DELAY_MS_MIN;
                    log.info("Data key pool refilling again");
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    log.atWarn()
                            .addKeyValue("event.action", "data-key-pool-refill-failed")
                            .log(
                                    "Cannot pre-wrap data keys ({}): openings make their key inline; retrying",
                                    e.getClass().getSimpleName());
                }
                try {
                    Thread.sleep(retryDelayMs);
                } catch (InterruptedException interrupted) {
                    return;
                }
                retryDelayMs = Math.min(retryDelayMs * 2, RETRY_DELAY_MS_MAX);
            }
        }
    }

    /** Drops keys of an older key-encryption key version (after a rotation), so the pool refills under the new one. */
    private void discardStale() {
        String current = kek.currentId();
        if (keys.stream().allMatch(key -> key.kekId().equals(current))) {
            return;
        }
        int dropped = 0;
        for (var it = keys.iterator(); it.hasNext(); ) {
            FreshKey key = it.next();
            if (!key.kekId().equals(current) && keys.remove(key)) {
                size.decrementAndGet();
                key.destroy();
                dropped++;
            }
        }
        discarded.addAndGet(dropped);
        if (dropped > 0) {
            log.info(
                    "Data key pool: {} keys of an older key-encryption key discarded, refilling under {}",
                    dropped,
                    current);
        }
    }

    private void awaitTake() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (size.get() >= sizeMax) {
                taken.await(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void wakeRefiller() {
        if (refiller == null) {
            return;
        }
        if (lock.tryLock()) {
            try {
                taken.signal();
            } finally {
                lock.unlock();
            }
        }
    }
}
