package org.bankapi.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.bankapi.BankingApplication;
import org.bankapi.db.SqlArrays;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two service instances, each with its own posting engine, batching against one database: random
 * transfers (some retried with their Idempotency-Key) on few accounts never deadlock, lose an update
 * or book twice, and the ledger, the balances, the transaction list and the outbox agree.
 */
class TwoEnginesTest extends ApiTest {

    private static final int ACCOUNTS = 6;
    private static final int CLIENTS_PER_INSTANCE = 6;
    private static final long RUN_MS = 5_000;
    private static ConfigurableApplicationContext second;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startSecondInstance() {
        second = new SpringApplicationBuilder(BankingApplication.class)
                .run(
                        "--server.port=0",
                        "--JWT_SECRET_KEY=" + ApiTest.JWT_SECRET,
                        "--BANK_DATA_DIR=target/test-data",
                        "--RATE_LIMIT_PER_SECOND=0",
                        "--spring.datasource.url=" + EmbeddedDatabase.jdbcUrl());
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void randomTransfersOnTwoInstancesKeepTheLedgerTheBalancesAndTheOutboxInAgreement() throws Exception {
        Api first = api();
        Api other = new Api(
                "http://localhost:"
                        + ((WebServerApplicationContext) second).getWebServer().getPort(),
                JWT_SECRET.getBytes(StandardCharsets.UTF_8));
        Bank bank = new Bank(first);
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(bank.openAccount(Bank.newOwner(), "100.00"));
        }
        Set<Long> booked = ConcurrentHashMap.newKeySet();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        long deadline = System.currentTimeMillis() + RUN_MS;
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 2 * CLIENTS_PER_INSTANCE; c++) {
                Api api = c % 2 == 0 ? first : other;
                String admin = bank.admin();
                clients.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.currentTimeMillis() < deadline) {
                        long from = accounts.get(random.nextInt(ACCOUNTS));
                        long to = accounts.get(random.nextInt(ACCOUNTS));
                        int minor = random.nextInt(1, 3000);
                        String amount = minor / 100 + "." + String.format("%02d", minor % 100);
                        Map<String, Object> body = Map.of(
                                "type", "transfer", "account_id", from, "target_account_id", to, "amount", amount);
                        String key = UUID.randomUUID().toString();
                        // every other request is sent twice with its key, once to each instance: it must book once
                        int sends = random.nextBoolean() ? 2 : 1;
                        Long firstId = null;
                        for (int s = 0; s < sends; s++) {
                            Api target = s == 0 ? api : (api == first ? other : first);
                            Api.Response response = target.as(admin)
                                    .header("Idempotency-Key", key)
                                    .post("/transactions", body);
                            if (response.status() == 201) {
                                long id = response.json().get("id").asLong();
                                if (firstId != null && firstId != id) {
                                    unexpected.add("key " + key + " booked " + firstId + " and " + id);
                                }
                                firstId = id;
                                booked.add(id);
                            } else if (response.status() != 422) {
                                unexpected.add(response.toString());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }

        assertThat(unexpected).isEmpty();
        assertThat(booked).hasSizeGreaterThan(50);
        long total = 0;
        for (long account : accounts) {
            long balance = jdbc.sql("SELECT balance_minor FROM accounts WHERE id = :id")
                    .param("id", account)
                    .query(Long.class)
                    .single();
            List<Long> history = jdbc.sql("SELECT amount_minor FROM ledger_entries WHERE account_id = :id ORDER BY id")
                    .param("id", account)
                    .query(Long.class)
                    .list();
            long running = 0;
            for (long amount : history) {
                running += amount;
                assertThat(running).as("account %d in booking order", account).isNotNegative();
            }
            assertThat(running)
                    .as("account %d: entries replay to the balance", account)
                    .isEqualTo(balance);
            total += balance;
        }
        assertThat(total)
                .as("money moved between the accounts is neither created nor lost")
                .isEqualTo(ACCOUNTS * 10_000L);
        long[] ids = booked.stream().mapToLong(Long::longValue).toArray();
        Long stored = jdbc.sql("SELECT count(*) FROM transactions WHERE id = ANY(:ids) AND type = 'transfer'")
                .param("ids", SqlArrays.bigints(ids))
                .query(Long.class)
                .single();
        assertThat(stored).isEqualTo(ids.length);
        Long transfersTouching = jdbc.sql("""
                SELECT count(*) FROM transactions WHERE type = 'transfer' AND account_id = ANY(:accounts)""")
                .param(
                        "accounts",
                        SqlArrays.bigints(
                                accounts.stream().mapToLong(Long::longValue).toArray()))
                .query(Long.class)
                .single();
        assertThat(transfersTouching)
                .as("no transfer booked that no client was told about")
                .isEqualTo(ids.length);
        UUID[] eventIds = booked.stream()
                .map(id -> UUID.nameUUIDFromBytes(("transaction:" + id).getBytes(StandardCharsets.UTF_8)))
                .toArray(UUID[]::new);
        Long events = jdbc.sql("SELECT count(*) FROM outbox_events WHERE event_id = ANY(:ids)")
                .param("ids", SqlArrays.uuids(eventIds))
                .query(Long.class)
                .single();
        assertThat(events).as("one outbox event per booked transaction").isEqualTo(ids.length);
    }
}
