package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Accounts opened concurrently through the API, keys from the pre-wrapped pool: never one key for two accounts. */
class OneDataKeyPerAccountTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KeyEncryptionKey kek;

    @Autowired
    CryptoSettings crypto;

    @Autowired
    MeterRegistry registry;

    @Test
    void accountsOpenedConcurrentlyEachHaveTheirOwnDataKey() throws Exception {
        PoolMeters pool = PoolMeters.in(registry);
        assertThat(crypto.dataKeyPoolSizeMax())
                .as("the service pre-wraps data keys")
                .isPositive();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> pool.size() == crypto.dataKeyPoolSizeMax());
        long inlineBefore = pool.madeInline();
        Api api = api();
        Bank bank = new Bank(api);
        String admin = bank.admin();
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        List<String> failures = new CopyOnWriteArrayList<>();
        int threads = 6;
        int perThread = 15;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    Api.Response opened = api.as(admin)
                            .post(
                                    "/accounts",
                                    Map.of(
                                            "owner_id",
                                            Bank.newOwner(),
                                            "holder_name",
                                            "Holder " + thread + "-" + i,
                                            "email",
                                            "h" + thread + "-" + i + "@example.com"));
                    if (opened.status() == 201) {
                        ids.add(opened.json().get("id").asLong());
                    } else {
                        failures.add(opened.toString());
                    }
                }
            }));
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join(120_000);
        }
        assertThat(failures).isEmpty();
        assertThat(ids).hasSize(threads * perThread);
        assertThat(pool.madeInline() - inlineBefore)
                .as("most keys came pre-wrapped")
                .isLessThan(threads * perThread);
        assertThat(api.anonymous().get("/metrics").text())
                .contains("data_key_pool_size")
                .contains("data_key_pool_made_inline_total")
                .contains("data_key_pool_discarded_total");

        record Key(long accountId, String kekId, byte[] wrapped) {}
        List<Key> keys = jdbc.sql("SELECT account_id, kek_id, wrapped_key FROM data_keys WHERE account_id = ANY(:ids)")
                .param("ids", ids.toArray(Long[]::new))
                .query((rs, n) -> new Key(rs.getLong(1), rs.getString(2), rs.getBytes(3)))
                .list();
        assertThat(keys).hasSize(ids.size());
        Set<String> wrappings = new HashSet<>();
        Set<String> dataKeys = new HashSet<>();
        for (Key key : keys) {
            wrappings.add(HexFormat.of().formatHex(key.wrapped()));
            dataKeys.add(HexFormat.of().formatHex(kek.unwrap(key.kekId(), key.wrapped())));
        }
        assertThat(wrappings).as("distinct wrapped keys").hasSize(ids.size());
        assertThat(dataKeys).as("distinct data keys").hasSize(ids.size());
        for (long id : ids.stream().limit(10).toList()) {
            assertThat(bank.account(id).get("holder_name").asString()).startsWith("Holder ");
        }
    }
}
