package org.bankapi.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class AccountApiTest extends ApiTest {

    @Test
    void opensAnAccountWithItsInitialDepositAsADepositTransaction() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        Api.Response created = api.as(bank.admin())
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                owner,
                                "holder_name",
                                "Ada Lovelace",
                                "email",
                                "ada@example.com",
                                "currency",
                                "EUR",
                                "initial_deposit",
                                "1250.5"));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode account = created.json();
        long id = account.get("id").asLong();
        assertThat(created.header("Location")).isEqualTo("/accounts/" + id);
        assertThat(account.get("owner_id").asString()).isEqualTo(owner);
        assertThat(account.get("holder_name").asString()).isEqualTo("Ada Lovelace");
        assertThat(account.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(account.get("balance").asString()).isEqualTo("1250.50");
        assertThat(account.get("currency").asString()).isEqualTo("EUR");
        assertThat(account.get("status").asString()).isEqualTo("open");
        assertThat(account.get("created_at").asString()).isNotBlank();

        JsonNode history = api.as(bank.admin())
                .get("/transactions?account_id=" + id)
                .json()
                .get("items");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("type").asString()).isEqualTo("deposit");
        assertThat(history.get(0).get("amount").asString()).isEqualTo("1250.50");
    }

    @Test
    void acceptsTheAmountAsAJsonNumberAndReadsItExactly() {
        Api api = api();
        Bank bank = new Bank(api);
        Api.Response created = api.as(bank.admin())
                .post("/accounts", "{\"owner_id\":\"n\",\"holder_name\":\"N\",\"initial_deposit\":0.30}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("balance").asString()).isEqualTo("0.30");
    }

    @Test
    void customerSeesOwnAccountsOnly() {
        Api api = api();
        Bank bank = new Bank(api);
        String alice = Bank.newOwner();
        long own = bank.openAccount(alice, "10");
        long other = bank.openAccount(Bank.newOwner(), "10");
        String token = api.token(alice, "customer");

        assertThat(api.as(token).get("/accounts/" + own).status()).isEqualTo(200);
        Api.Response foreign = api.as(token).get("/accounts/" + other);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("forbidden");
        JsonNode page = api.as(token).get("/accounts").json();
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("id").asLong()).isEqualTo(own);
        assertThat(page.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void onlyAnAdminOpensAccounts() {
        Api api = api();
        Api.Response refused = api.as(api.token("mallory", "customer"))
                .post("/accounts", Map.of("owner_id", "mallory", "holder_name", "M"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("forbidden");
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void pagesThroughAccountsWithACursor() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        for (int i = 0; i < 5; i++) {
            bank.openAccount(owner, null);
        }
        String token = api.token(owner, "customer");
        JsonNode first = api.as(token).get("/accounts?limit=2").json();
        assertThat(first.get("items")).hasSize(2);
        String cursor = first.get("next_cursor").asString();
        JsonNode second =
                api.as(token).get("/accounts?limit=2&cursor=" + cursor).json();
        JsonNode third = api.as(token)
                .get("/accounts?limit=2&cursor=" + second.get("next_cursor").asString())
                .json();
        assertThat(third.get("items")).hasSize(1);
        assertThat(third.get("next_cursor").isNull()).isTrue();
        assertThat(second.get("items").get(0).get("id").asLong())
                .isGreaterThan(first.get("items").get(1).get("id").asLong());
    }

    @Test
    void closesOnlyAnEmptyAccountAndAClosedAccountTakesNoMoney() {
        Api api = api();
        Bank bank = new Bank(api);
        long full = bank.openAccount(Bank.newOwner(), "5");
        Api.Response refused = api.as(bank.admin()).post("/accounts/" + full + "/close", null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("balance_not_zero");

        long empty = bank.openAccount(Bank.newOwner(), null);
        Api.Response closed = api.as(bank.admin()).post("/accounts/" + empty + "/close", null);
        assertThat(closed.status()).as(closed.toString()).isEqualTo(200);
        assertThat(closed.json().get("status").asString()).isEqualTo("closed");

        Api.Response deposit = bank.deposit(bank.admin(), empty, "1");
        assertThat(deposit.status()).isEqualTo(422);
        assertThat(deposit.code()).isEqualTo("account_closed");
        assertThat(bank.account(empty).get("status").asString()).isEqualTo("closed");
        assertThat(bank.balance(empty)).isEqualTo("0.00");
    }

    @Test
    void unknownAccountIsNotFound() {
        Api api = api();
        Api.Response missing = api.as(api.adminToken()).get("/accounts/999999999");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "\"0.00\"", "0", "0.00"})
    void anInitialDepositOfZeroOpensAnEmptyAccountWithoutADeposit(String zero) {
        Api api = api();
        Bank bank = new Bank(api);
        Api.Response created = api.as(bank.admin())
                .post(
                        "/accounts",
                        "{\"owner_id\":\"" + Bank.newOwner() + "\",\"holder_name\":\"Z\",\"initial_deposit\":" + zero
                                + "}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("balance").asString()).isEqualTo("0.00");
        long id = created.json().get("id").asLong();
        assertThat(api.as(bank.admin())
                        .get("/transactions?account_id=" + id)
                        .json()
                        .get("items"))
                .isEmpty();
    }

    @Test
    void aNegativeInitialDepositIsStillRefused() {
        Api api = api();
        Bank bank = new Bank(api);
        Api.Response refused = api.as(bank.admin())
                .post("/accounts", Map.of("owner_id", Bank.newOwner(), "holder_name", "N", "initial_deposit", "-0.01"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").toString()).contains("\"field\":\"initial_deposit\"");
    }
}
