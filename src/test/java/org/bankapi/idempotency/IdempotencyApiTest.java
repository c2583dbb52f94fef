package org.bankapi.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.Database;
import org.junit.jupiter.api.Test;

class IdempotencyApiTest extends ApiTest {

    @Test
    void aRetryWithTheSameKeyReplaysTheFirstResponseAndMovesNoMoney() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "100");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", "withdrawal", "account_id", account, "amount", "30");

        Api.Response first = api.as(bank.admin()).header("Idempotency-Key", key).post("/transactions", body);
        Api.Response retry = api.as(bank.admin()).header("Idempotency-Key", key).post("/transactions", body);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.text()).isEqualTo(first.text());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(bank.balance(account)).isEqualTo("70.00");
    }

    @Test
    void theSameKeyWithAnotherBodyIsAConflict() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "100");
        String key = UUID.randomUUID().toString();
        api.as(bank.admin())
                .header("Idempotency-Key", key)
                .post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", "30"));
        Api.Response conflict = api.as(bank.admin())
                .header("Idempotency-Key", key)
                .post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", "31"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("idempotency_conflict");
        assertThat(bank.balance(account)).isEqualTo("70.00");
    }

    @Test
    void keysAreScopedToThePrincipal() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "100");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", "deposit", "account_id", account, "amount", "5");
        Api.Response mine = api.as(bank.admin()).header("Idempotency-Key", key).post("/transactions", body);
        Api.Response theirs =
                api.as(api.adminToken()).header("Idempotency-Key", key).post("/transactions", body);
        assertThat(mine.status()).isEqualTo(201);
        assertThat(theirs.status()).isEqualTo(201);
        assertThat(theirs.header("Idempotent-Replayed")).isNull();
        assertThat(bank.balance(account)).isEqualTo("110.00");
    }

    @Test
    void aRefusedRequestLeavesNoKeySoItsRetryIsJudgedAfresh() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "10");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", "withdrawal", "account_id", account, "amount", "20");
        assertThat(api.as(bank.admin())
                        .header("Idempotency-Key", key)
                        .post("/transactions", body)
                        .code())
                .isEqualTo("insufficient_funds");
        bank.deposit(bank.admin(), account, "10");
        Api.Response retry = api.as(bank.admin()).header("Idempotency-Key", key).post("/transactions", body);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(bank.balance(account)).isEqualTo("0.00");
    }

    @Test
    void coversAccountOpeningAndReversal() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        String key = UUID.randomUUID().toString();
        Map<String, Object> open = Map.of("owner_id", owner, "holder_name", "H", "initial_deposit", "50");
        Api.Response first = api.as(bank.admin()).header("Idempotency-Key", key).post("/accounts", open);
        Api.Response again = api.as(bank.admin()).header("Idempotency-Key", key).post("/accounts", open);
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(api.as(api.token(owner, "customer")).get("/accounts").json().get("items"))
                .hasSize(1);

        long account = first.json().get("id").asLong();
        long deposit = bank.deposit(bank.admin(), account, "5").json().get("id").asLong();
        String reverseKey = UUID.randomUUID().toString();
        Api.Response reversal = api.as(bank.admin())
                .header("Idempotency-Key", reverseKey)
                .post("/transactions/" + deposit + "/reverse", null);
        Api.Response replay = api.as(bank.admin())
                .header("Idempotency-Key", reverseKey)
                .post("/transactions/" + deposit + "/reverse", null);
        assertThat(reversal.status()).isEqualTo(201);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(bank.balance(account)).isEqualTo("50.00");
    }

    @Test
    void aRetriedCloseReplaysItsFirstAnswer() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), null);
        String key = UUID.randomUUID().toString();
        Api.Response first =
                api.as(bank.admin()).header("Idempotency-Key", key).post("/accounts/" + account + "/close", null);
        Api.Response retry =
                api.as(bank.admin()).header("Idempotency-Key", key).post("/accounts/" + account + "/close", null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.text()).isEqualTo(first.text());
    }

    @Test
    void aReplayIsAuditedAsAReplayNotAsASecondBooking() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "10");
        String key = UUID.randomUUID().toString();
        String retryId = "retry-" + key;
        Map<String, Object> body = Map.of("type", "deposit", "account_id", account, "amount", "1");
        api.as(bank.admin()).header("Idempotency-Key", key).post("/transactions", body);
        api.as(bank.admin())
                .header("Idempotency-Key", key)
                .header("X-Request-Id", retryId)
                .post("/transactions", body);
        var db = Database.superuser();
        assertThat(db.sql("SELECT code FROM audit_log WHERE request_id = ?")
                        .param(retryId)
                        .query(String.class)
                        .list())
                .containsExactly("idempotent_replay");
    }

    @Test
    void refusesAnOverlongKey() {
        Api api = api();
        Api.Response response = api.as(api.adminToken())
                .header("Idempotency-Key", "k".repeat(256))
                .post("/accounts", Map.of("owner_id", "x", "holder_name", "X"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("validation_failed");
    }

    @Test
    void concurrentRequestsWithOneKeyApplyOnce() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "1000");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", "withdrawal", "account_id", account, "amount", "1");
        int clients = 10;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Response>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                responses.add(pool.submit(() -> {
                    start.await();
                    return api.as(bank.admin()).header("Idempotency-Key", key).post("/transactions", body);
                }));
            }
            start.countDown();
        }
        List<String> bodies = new ArrayList<>();
        int replayed = 0;
        for (Future<Api.Response> future : responses) {
            Api.Response response = future.get();
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            bodies.add(response.text());
            if ("true".equals(response.header("Idempotent-Replayed"))) {
                replayed++;
            }
        }
        assertThat(bodies).allMatch(b -> b.equals(bodies.getFirst()));
        assertThat(replayed).isEqualTo(clients - 1);
        assertThat(bank.balance(account)).isEqualTo("999.00");
    }
}
