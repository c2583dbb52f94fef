package org.bankapi.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Shorthands for the tests: open an account, move money, read a balance, each asserting success. */
public final class Bank {

    private final Api api;
    private final String adminToken;

    public Bank(Api api) {
        this.api = api;
        this.adminToken = api.adminToken();
    }

    public String admin() {
        return adminToken;
    }

    public static String newOwner() {
        return "user-" + UUID.randomUUID();
    }

    public long openAccount(String owner, String initialDeposit) {
        return openAccount(owner, initialDeposit, "EUR");
    }

    public long openAccount(String owner, String initialDeposit, String currency) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("owner_id", owner);
        body.put("holder_name", "Holder " + owner);
        body.put("email", "holder@example.com");
        body.put("currency", currency);
        if (initialDeposit != null) {
            body.put("initial_deposit", initialDeposit);
        }
        Api.Response response = api.as(adminToken).post("/accounts", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().get("id").asLong();
    }

    public JsonNode account(long id) {
        Api.Response response = api.as(adminToken).get("/accounts/" + id);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    public String balance(long id) {
        return account(id).get("balance").asString();
    }

    public Api.Response transfer(String token, long from, long to, String amount) {
        return api.as(token).post("/transactions", Map.of("type", "transfer", "account_id", from, "target_account_id", to, "amount", amount));
    }

    public Api.Response deposit(String token, long account, String amount) {
        return api.as(token).post("/transactions", Map.of("type", "deposit", "account_id", account, "amount", amount));
    }

    public Api.Response withdraw(String token, long account, String amount) {
        return api.as(token).post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", amount));
    }
}
