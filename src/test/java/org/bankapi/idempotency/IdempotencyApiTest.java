package org.bankapi.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;

/** Through the whole filter chain (Spring Security wraps the request before this filter sees it). */
class IdempotencyApiTest extends ApiTest {

    @Test
    void replaysTheFirstResponseForTheSameKeyAndBodyAndMovesNoMoney() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, "100.00");
        Api.Call customer = api.as(api.token(owner, "customer")).header("Idempotency-Key", "retry-" + UUID.randomUUID());
        Map<String, Object> deposit = Map.of("type", "deposit", "account_id", account, "amount", "10.00");

        Api.Response first = customer.post("/transactions", deposit);
        Api.Response replay = customer.post("/transactions", deposit);

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(replay.status()).as(replay.toString()).isEqualTo(201);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json()).isEqualTo(first.json());
        assertThat(bank.balance(account)).isEqualTo("110.00");
    }

    @Test
    void refusesTheSameKeyWithAnotherBody() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, "100.00");
        Api.Call customer = api.as(api.token(owner, "customer")).header("Idempotency-Key", "retry-" + UUID.randomUUID());

        Api.Response first = customer.post("/transactions", Map.of("type", "deposit", "account_id", account, "amount", "10.00"));
        Api.Response other = customer.post("/transactions", Map.of("type", "deposit", "account_id", account, "amount", "99.00"));

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(other.status()).as(other.toString()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("idempotency_conflict");
        assertThat(bank.balance(account)).isEqualTo("110.00");
    }
}
