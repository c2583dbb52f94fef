package org.bankapi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

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
        return api.as(token)
                .post(
                        "/transactions",
                        Map.of("type", "transfer", "account_id", from, "target_account_id", to, "amount", amount));
    }

    public Api.Response deposit(String token, long account, String amount) {
        return api.as(token).post("/transactions", Map.of("type", "deposit", "account_id", account, "amount", amount));
    }

    public Api.Response withdraw(String token, long account, String amount) {
        return api.as(token)
                .post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", amount));
    }

    /**
     * {@code count} random deposits, withdrawals and transfers either way between {@code account} and
     * {@code other}, as the admin; a refusal for lack of funds is part of the game. Returns the booked ones.
     */
    public List<Api.Response> randomTraffic(Random random, long account, long other, int count) {
        List<Api.Response> booked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String amount = BigDecimal.valueOf(1 + random.nextInt(5000), 2).toPlainString();
            Api.Response response = switch (random.nextInt(4)) {
                case 0 -> deposit(adminToken, account, amount);
                case 1 -> withdraw(adminToken, account, amount);
                case 2 -> transfer(adminToken, account, other, amount);
                default -> transfer(adminToken, other, account, amount);
            };
            assertThat(response.status()).as(response.toString()).isIn(201, 422);
            if (response.status() == 201) {
                booked.add(response);
            }
        }
        return booked;
    }
}
