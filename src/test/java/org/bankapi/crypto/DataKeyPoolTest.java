package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.bankapi.observability.Rehearsal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool of pre-wrapped data keys, on a real local key file: bounded, refilled, each key handed out once. */
class DataKeyPoolTest {

    @TempDir
    Path dir;

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void fillsUpToItsBoundInTheBackgroundAndEachKeyUnwrapsFromItsWrapping() {
        LocalKeyFile kek = new LocalKeyFile(dir);
        DataKeyPool pool = new DataKeyPool(kek, 8);
        PoolMeters meters = PoolMeters.of(pool);
        pool.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 8);
            DataKeyPool.FreshKey key = pool.take();
            assertThat(meters.madeInline()).isZero();
            assertThat(key.kekId()).isEqualTo(kek.currentId());
            assertThat(kek.unwrap(key.kekId(), key.wrappedKey())).isEqualTo(key.key());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 8);
            assertThat(meters.size()).isLessThanOrEqualTo(8);
        } finally {
            pool.stop();
        }
        assertThat(meters.size()).isZero();
    }

    @Test
    void manyConcurrentTakersNeverGetTheSameKey() throws Exception {
        LocalKeyFile kek = new LocalKeyFile(dir);
        DataKeyPool pool = new DataKeyPool(kek, 16);
        PoolMeters meters = PoolMeters.of(pool);
        pool.start();
        Set<String> keys = ConcurrentHashMap.newKeySet();
        Set<String> wrappings = ConcurrentHashMap.newKeySet();
        int takers = 8;
        int perTaker = 50;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 16);
            for (int t = 0; t < takers; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perTaker; i++) {
                        DataKeyPool.FreshKey key = pool.take();
                        keys.add(hex(key.key()));
                        wrappings.add(hex(key.wrappedKey()));
                    }
                }));
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        } finally {
            pool.stop();
        }
        assertThat(keys).hasSize(takers * perTaker);
        assertThat(wrappings).hasSize(takers * perTaker);
        assertThat(meters.madeInline())
                .as("some keys came from the pool, the rest were made inline")
                .isLessThan(takers * perTaker);
    }

    @Test
    void aNewKeyEncryptionKeyVersionDiscardsTheOldKeysAndTheRefillUsesTheNewOne() {
        LocalKeyFile kek = new LocalKeyFile(dir);
        DataKeyPool pool = new DataKeyPool(kek, 6);
        PoolMeters meters = PoolMeters.of(pool);
        pool.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 6);
            String old = kek.currentId();
            String rotated = kek.rotate();

            DataKeyPool.FreshKey taken = pool.take();
            assertThat(taken.kekId()).isEqualTo(rotated).isNotEqualTo(old);
            assertThat(kek.unwrap(rotated, taken.wrappedKey())).isEqualTo(taken.key());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 6);
            assertThat(meters.discarded()).isGreaterThanOrEqualTo(1);
            for (int i = 0; i < 6; i++) {
                assertThat(pool.take().kekId()).isEqualTo(rotated);
            }
        } finally {
            pool.stop();
        }
    }

    @Test
    void anIdleFullPoolDropsKeysOfAnOldVersionByItself() {
        LocalKeyFile kek = new LocalKeyFile(dir);
        DataKeyPool pool = new DataKeyPool(kek, 4);
        PoolMeters meters = PoolMeters.of(pool);
        pool.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 4);
            kek.rotate();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> meters.discarded() >= 4 && meters.size() == 4);
            assertThat(pool.take().kekId()).isEqualTo(kek.currentId());
            assertThat(meters.madeInline()).isZero();
        } finally {
            pool.stop();
        }
    }

    @Test
    void anEmptyOrDisabledPoolMakesTheKeyInline() {
        LocalKeyFile kek = new LocalKeyFile(dir);
        DataKeyPool pool = Vaults.inlinePool(kek);
        PoolMeters meters = PoolMeters.of(pool);
        pool.start();
        DataKeyPool.FreshKey first = pool.take();
        DataKeyPool.FreshKey second = pool.take();
        assertThat(meters.madeInline()).isEqualTo(2);
        assertThat(meters.size()).isZero();
        assertThat(first.key()).isNotEqualTo(second.key());
        assertThat(kek.unwrap(first.kekId(), first.wrappedKey())).isEqualTo(first.key());
    }

    @Test
    void aRehearsalMakesItsKeyAfreshAndLeavesThePoolFull() {
        LocalKeyFile file = new LocalKeyFile(dir);
        Thread test = Thread.currentThread();
        AtomicInteger wrappedOnTheTestThread = new AtomicInteger();
        KeyEncryptionKey kek = new KeyEncryptionKey() {
            @Override
            public String currentId() {
                return file.currentId();
            }

            @Override
            public Wrapped wrapCurrent(byte[] dataKey) {
                if (Thread.currentThread() == test) {
                    wrappedOnTheTestThread.incrementAndGet();
                }
                return file.wrapCurrent(dataKey);
            }

            @Override
            public byte[] unwrap(String keyId, byte[] wrappedKey) {
                return file.unwrap(keyId, wrappedKey);
            }
        };
        DataKeyPool pool = new DataKeyPool(kek, 4);
        PoolMeters meters = PoolMeters.of(pool);
        pool.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.size() == 4);
            DataKeyPool.FreshKey rehearsed;
            try (Rehearsal.Scope ignored = Rehearsal.begin()) {
                rehearsed = pool.take();
            }
            assertThat(wrappedOnTheTestThread)
                    .as("made on the rehearsal's thread")
                    .hasValue(1);
            assertThat(meters.size()).as("no pre-wrapped key taken").isEqualTo(4);
            assertThat(meters.madeInline()).as("not counted as an empty pool").isZero();
            assertThat(kek.unwrap(rehearsed.kekId(), rehearsed.wrappedKey())).isEqualTo(rehearsed.key());

            pool.take();
            assertThat(wrappedOnTheTestThread)
                    .as("an opening takes from the pool")
                    .hasValue(1);
        } finally {
            pool.stop();
        }
    }
}
