package org.bankapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** PostgreSQL restarted under the feet of clients that keep moving money: they see 201 or 503, never a 500, and no money is lost or made. */
class DatabaseRestartTest extends ApiTest {

    private static final int CLIENTS = 6;

    @Test
    void aDatabaseRestartInTheMiddleOfRequestsYieldsOnly201Or503AndConservesMoney() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accounts.add(bank.openAccount(Bank.newOwner(), "100"));
        }
        Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        AtomicBoolean moving = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                boolean keyed = c % 2 == 0;
                work.add(clients.submit(() -> {
                    while (moving.get()) {
                        long account = accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
                        String key = keyed ? UUID.randomUUID().toString() : null;
                        attempts.add(new Attempt(account, key, deposit(api, bank, account, key)));
                    }
                    return null;
                }));
            }
            Thread.sleep(1_000);
            EmbeddedDatabase.restart(Duration.ofSeconds(2));
            Thread.sleep(2_000);
        } finally {
            moving.set(false);
            for (Future<?> f : work) {
                f.get();
            }
            clients.shutdownNow();
        }

        List<Integer> statuses =
                attempts.stream().map(a -> a.response().status()).toList();
        assertThat(statuses).as("statuses").isSubsetOf(201, 503).contains(201, 503);
        for (Attempt attempt : attempts) {
            if (attempt.response().status() == 503) {
                assertThat(attempt.response().header("Retry-After")).isEqualTo("1");
                assertThat(attempt.response().code()).isEqualTo("temporarily_unavailable");
            }
        }
        // every 503 applied nothing: retried with its key it is booked now, not replayed
        for (Attempt attempt : attempts) {
            if (attempt.key() != null && attempt.response().status() == 503) {
                Api.Response retry = deposit(api, bank, attempt.account(), attempt.key());
                assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
                assertThat(retry.header("Idempotent-Replayed"))
                        .as("a 503 applied nothing")
                        .isNull();
            }
        }
        JdbcClient db = Database.superuser();
        for (long account : accounts) {
            long booked = attempts.stream()
                    .filter(a -> a.account() == account)
                    .filter(a -> a.response().status() == 201 || a.key() != null)
                    .count();
            long balance = db.sql("SELECT balance_minor FROM accounts WHERE id = :id")
                    .param("id", account)
                    .query(Long.class)
                    .single();
            long entries = db.sql("SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE account_id = :id")
                    .param("id", account)
                    .query(Long.class)
                    .single();
            assertThat(balance).as("balance of " + account).isEqualTo(100_00 + booked * 100);
            assertThat(entries)
                    .as("the entries of " + account + " replay to its balance")
                    .isEqualTo(balance);
        }
    }

    private static Api.Response deposit(Api api, Bank bank, long account, String key) {
        Api.Call call = api.as(bank.admin());
        if (key != null) {
            call = call.header("Idempotency-Key", key);
        }
        return call.post("/transactions", Map.of("type", "deposit", "account_id", account, "amount", "1"));
    }

    private record Attempt(long account, String key, Api.Response response) {}
}
