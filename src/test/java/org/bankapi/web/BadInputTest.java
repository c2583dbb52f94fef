package org.bankapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad input of README's table of problem codes is a 4xx problem that changes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest extends ApiTest {

    private Bank bank;
    private long account;
    private long other;

    @BeforeAll
    void openAccounts() {
        bank = new Bank(api());
        account = bank.openAccount(Bank.newOwner(), "100.00");
        other = bank.openAccount(Bank.newOwner(), "100.00");
    }

    Stream<Arguments> badTransactions() {
        String ok = "\"type\":\"deposit\",\"account_id\":%d".formatted(0);
        return Stream.of(
                Arguments.of("malformed JSON", "{\"type\":\"deposit\",", 400, "body"),
                Arguments.of("not an object", "[1,2]", 400, null),
                Arguments.of("empty body", "", 400, null),
                Arguments.of(
                        "amount of wrong type",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":{\"v\":1}}",
                        400,
                        "amount"),
                Arguments.of(
                        "account id of wrong type",
                        "{\"type\":\"deposit\",\"account_id\":\"abc\",\"amount\":\"1\"}",
                        400,
                        "account_id"),
                Arguments.of(
                        "unknown field",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1\",\"bonus\":true}",
                        400,
                        "bonus"),
                Arguments.of("missing amount", "{\"type\":\"deposit\",\"account_id\":ACC}", 400, "amount"),
                Arguments.of("missing type", "{\"account_id\":ACC,\"amount\":\"1\"}", 400, "type"),
                Arguments.of("missing account", "{\"type\":\"deposit\",\"amount\":\"1\"}", 400, "account_id"),
                Arguments.of(
                        "negative amount",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"-5\"}",
                        400,
                        "amount"),
                Arguments.of("zero amount", "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":0}", 400, "amount"),
                Arguments.of(
                        "too precise amount",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1.001\"}",
                        400,
                        "amount"),
                Arguments.of(
                        "too large amount",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1000000000000.01\"}",
                        400,
                        "amount"),
                Arguments.of(
                        "not a number", "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"ten\"}", 400, "amount"),
                Arguments.of("unknown type", "{\"type\":\"gift\",\"account_id\":ACC,\"amount\":\"1\"}", 400, "type"),
                Arguments.of(
                        "unknown currency",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1\",\"currency\":\"ZZZ\"}",
                        400,
                        "currency"),
                Arguments.of(
                        "lower-case currency",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1\",\"currency\":\"eur\"}",
                        400,
                        "currency"),
                Arguments.of(
                        "over-long description",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1\",\"description\":\"" + "x".repeat(501)
                                + "\"}",
                        400,
                        "description"),
                Arguments.of(
                        "transfer without target",
                        "{\"type\":\"transfer\",\"account_id\":ACC,\"amount\":\"1\"}",
                        400,
                        "target_account_id"),
                Arguments.of(
                        "deposit with target",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"target_account_id\":OTHER,\"amount\":\"1\"}",
                        400,
                        "target_account_id"),
                Arguments.of(
                        "reversal by type", "{\"type\":\"reversal\",\"account_id\":ACC,\"amount\":\"1\"}", 400, "type"),
                Arguments.of(
                        "body over 64 KiB",
                        "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":\"1\",\"description\":\""
                                + "x".repeat(70_000) + "\"}",
                        413,
                        null),
                Arguments.of(
                        "float overflow", "{\"type\":\"deposit\",\"account_id\":ACC,\"amount\":1e400}", 400, "amount"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTransactions")
    void refusesBadTransactionRequestsAndChangesNothing(String name, String body, int status, String field) {
        Api api = api();
        int historyBefore = api.as(bank.admin())
                .get("/transactions?account_id=" + account)
                .json()
                .get("items")
                .size();
        Api.Response response = api.as(bank.admin())
                .post(
                        "/transactions",
                        body.replace("ACC", Long.toString(account)).replace("OTHER", Long.toString(other)));

        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.code()).isEqualTo(status == 413 ? "payload_too_large" : "validation_failed");
        assertThat(response.text())
                .doesNotContain("Exception")
                .doesNotContain("SQL")
                .doesNotContain("at org.");
        if (field != null) {
            assertThat(response.json().get("errors").toString()).contains("\"field\":\"" + field);
        }
        assertThat(bank.balance(account)).isEqualTo("100.00");
        assertThat(bank.balance(other)).isEqualTo("100.00");
        assertThat(api.as(bank.admin())
                        .get("/transactions?account_id=" + account)
                        .json()
                        .get("items"))
                .hasSize(historyBefore);
    }

    Stream<Arguments> badAccounts() {
        return Stream.of(
                Arguments.of("missing owner", "{\"holder_name\":\"A\"}", "owner_id"),
                Arguments.of("missing holder name", "{\"owner_id\":\"a\"}", "holder_name"),
                Arguments.of("bad email", "{\"owner_id\":\"a\",\"holder_name\":\"A\",\"email\":\"nope\"}", "email"),
                Arguments.of(
                        "unknown currency",
                        "{\"owner_id\":\"a\",\"holder_name\":\"A\",\"currency\":\"ABC\"}",
                        "currency"),
                Arguments.of(
                        "negative initial deposit",
                        "{\"owner_id\":\"a\",\"holder_name\":\"A\",\"initial_deposit\":\"-1\"}",
                        "initial_deposit"),
                Arguments.of(
                        "too precise initial deposit",
                        "{\"owner_id\":\"a\",\"holder_name\":\"A\",\"currency\":\"JPY\",\"initial_deposit\":\"1.5\"}",
                        "initial_deposit"),
                Arguments.of(
                        "unknown field", "{\"owner_id\":\"a\",\"holder_name\":\"A\",\"balance\":\"1000\"}", "balance"),
                Arguments.of("owner of wrong type", "{\"owner_id\":[\"a\"],\"holder_name\":\"A\"}", "owner_id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAccounts")
    void refusesBadAccountRequestsAndOpensNothing(String name, String body, String field) {
        Api api = api();
        Api.Response response = api.as(bank.admin()).post("/accounts", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("validation_failed");
        assertThat(response.json().get("errors").toString()).contains("\"field\":\"" + field);
        assertThat(api.as(api.token("a", "customer")).get("/accounts").json().get("items"))
                .isEmpty();
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"0", "201", "-1", "x"})
    void refusesPageLimitsOutOfRange(String limit) {
        Api.Response response = api().as(bank.admin()).get("/transactions?limit=" + limit);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("validation_failed");
    }

    @Test
    void refusesACursorItDidNotIssue() {
        Api.Response response = api().as(bank.admin()).get("/accounts?cursor=bm90LWEtY3Vyc29y");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").toString()).contains("cursor");
    }
}
