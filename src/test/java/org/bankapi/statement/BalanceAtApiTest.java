package org.bankapi.statement;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BalanceAtApiTest extends ApiTest {

    private static String at(Instant instant) {
        return "at=" + URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void theBalanceAtAnyInstantIsTheReplayOfTheHistoryUpToIt() {
        Api api = api();
        Bank bank = new Bank(api);
        Random random = new Random(7);
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, "300.00");
        long other = bank.openAccount(Bank.newOwner(), "300.00");
        for (Api.Response booked : bank.randomTraffic(random, account, other, 20)) {
            if (random.nextInt(5) == 0) {
                Api.Response reversal = api.as(bank.admin())
                        .post("/transactions/" + booked.json().get("id").asLong() + "/reverse", null);
                assertThat(reversal.status()).as(reversal.toString()).isIn(201, 422);
            }
        }
        // the history as a client sees it: each transaction's effect on this account, oldest first
        List<JsonNode> history = new ArrayList<>();
        api.as(bank.admin())
                .get("/transactions?account_id=" + account + "&limit=200")
                .json()
                .get("items")
                .forEach(history::add);
        Collections.reverse(history);
        Map<Long, BigDecimal> effect = new HashMap<>();
        List<Instant> times = new ArrayList<>();
        for (JsonNode tx : history) {
            BigDecimal amount = new BigDecimal(tx.get("amount").asString());
            BigDecimal signed = switch (tx.get("type").asString()) {
                case "deposit" -> amount;
                case "withdrawal" -> amount.negate();
                case "transfer" -> tx.get("account_id").asLong() == account ? amount.negate() : amount;
                default -> effect.get(tx.get("reverses").asLong()).negate();
            };
            effect.put(tx.get("id").asLong(), signed);
            times.add(Instant.parse(tx.get("created_at").asString()));
        }
        String token = api.token(owner, "customer");
        List<Instant> probes = new ArrayList<>();
        for (Instant t : times) {
            probes.add(t);
            probes.add(t.minus(1, ChronoUnit.MICROS));
            probes.add(t.plus(1, ChronoUnit.MICROS));
        }
        Instant opened = Instant.parse(bank.account(account).get("created_at").asString());
        probes.add(opened);
        probes.add(Instant.now().minusMillis(1));
        for (Instant probe : probes) {
            if (probe.isBefore(opened)) {
                continue;
            }
            BigDecimal replay = BigDecimal.ZERO.setScale(2);
            for (int i = 0; i < history.size(); i++) {
                if (!times.get(i).isAfter(probe)) {
                    replay = replay.add(effect.get(history.get(i).get("id").asLong()));
                }
            }
            Api.Response response = api.as(token).get("/accounts/" + account + "/balance?" + at(probe));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.get("balance").asString())
                    .as("balance at %s", probe)
                    .isEqualTo(replay.toPlainString());
            assertThat(body.get("account_id").asLong()).isEqualTo(account);
            assertThat(body.get("currency").asString()).isEqualTo("EUR");
            assertThat(Instant.parse(body.get("at").asString())).isEqualTo(probe);
        }
        Api.Response now = api.as(token)
                .get("/accounts/" + account + "/balance?" + at(Instant.now().minusMillis(1)));
        assertThat(now.json().get("balance").asString()).isEqualTo(bank.balance(account));
    }

    @Test
    void anInstantInTheFutureBeforeTheAccountOrMalformedIsRefusedWith400() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "5.00");
        Instant opened = Instant.parse(bank.account(account).get("created_at").asString());
        String path = "/accounts/" + account + "/balance";
        for (String query : List.of(
                "",
                "?at=",
                "?at=tomorrow",
                "?at=2026-01-01",
                "?" + at(Instant.now().plusSeconds(60)),
                "?" + at(opened.minus(1, ChronoUnit.MICROS)),
                "?at=1969-12-31T23:59:59Z")) {
            Api.Response response = api.as(bank.admin()).get(path + query);
            assertThat(response.status()).as(query + " -> " + response).isEqualTo(400);
            assertThat(response.code()).isEqualTo("validation_failed");
            assertThat(response.json().get("errors").toString()).contains("\"field\":\"at\"");
        }
        Api.Response atOpening = api.as(bank.admin()).get(path + "?" + at(opened));
        assertThat(atOpening.status()).as(atOpening.toString()).isEqualTo(200);
        assertThat(atOpening.json().get("balance").asString()).isEqualTo("0.00");
    }

    @Test
    void anotherCustomersBalanceIsForbiddenAndAnUnknownAccountNotFound() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "5.00");
        String when = at(Instant.now().minusMillis(1));
        Api.Response foreign =
                api.as(api.token(Bank.newOwner(), "customer")).get("/accounts/" + account + "/balance?" + when);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("forbidden");
        Api.Response missing = api.as(bank.admin()).get("/accounts/999999999/balance?" + when);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("not_found");
    }
}
