package org.bankapi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.bankapi.support.PrometheusText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

class ObservabilityApiTest extends ApiTest {

    @Test
    void metricsCountKnownTrafficByTypeStatusAndErrorCode() {
        Api api = api();
        Bank bank = new Bank(api);
        PrometheusText before = scrape(api);
        String owner = Bank.newOwner();
        long payer = bank.openAccount(owner, "100.00");
        long payee = bank.openAccount(owner, null);
        assertThat(bank.deposit(bank.admin(), payer, "10.50").status()).isEqualTo(201);
        assertThat(bank.withdraw(bank.admin(), payer, "5").status()).isEqualTo(201);
        assertThat(bank.transfer(bank.admin(), payer, payee, "20").status()).isEqualTo(201);
        Api.Response refused = bank.withdraw(bank.admin(), payee, "1000");
        assertThat(refused.code()).isEqualTo("insufficient_funds");
        assertThat(api.anonymous().get("/accounts").status()).isEqualTo(401);
        assertThat(bank.balance(payer)).isEqualTo("85.50");
        assertThat(bank.balance(payee)).isEqualTo("20.00");
        PrometheusText after = scrape(api);

        assertThat(delta(before, after, "transactions_total", Map.of("type", "deposit", "status", "completed")))
                .isEqualTo(2);
        assertThat(delta(before, after, "transactions_total", Map.of("type", "withdrawal", "status", "completed")))
                .isEqualTo(1);
        assertThat(delta(before, after, "transactions_total", Map.of("type", "transfer", "status", "completed")))
                .isEqualTo(1);
        assertThat(delta(before, after, "transactions_total", Map.of("type", "withdrawal", "status", "refused")))
                .isEqualTo(1);
        assertThat(delta(before, after, "transaction_amount_count", Map.of("type", "deposit", "currency", "EUR")))
                .isEqualTo(2);
        assertThat(delta(before, after, "transaction_amount_sum", Map.of("type", "deposit", "currency", "EUR")))
                .isEqualTo(110.5);
        assertThat(delta(before, after, "api_errors_total", Map.of("code", "insufficient_funds", "status", "422")))
                .isEqualTo(1);
        assertThat(delta(before, after, "api_errors_total", Map.of("code", "unauthenticated", "status", "401")))
                .isEqualTo(1);
        // account reads show their row's balance: they make no balance cache lookup
        for (String result : List.of("hit", "miss", "stale")) {
            assertThat(delta(before, after, "balance_cache_requests_total", Map.of("result", result)))
                    .as(result)
                    .isZero();
        }
        assertThat(after.has("data_key_pool_size")).isTrue();
        assertThat(delta(before, after, "data_key_pool_made_inline_total", Map.of()))
                .as("both openings took a pre-wrapped key")
                .isLessThan(2);
        assertThat(delta(
                        before,
                        after,
                        "http_server_requests_seconds_count",
                        Map.of("uri", "/transactions", "method", "POST")))
                .isEqualTo(4);
        assertThat(after.matching(
                        "http_server_requests_seconds_bucket", Map.of("uri", "/transactions", "method", "POST")))
                .extracting(s -> s.labels().get("le"))
                .contains("+Inf")
                .hasSizeGreaterThan(10);
        for (String pool : List.of(
                "hikaricp_connections_active",
                "hikaricp_connections_max",
                "hikaricp_connections_pending",
                "jvm_memory_used_bytes",
                "jvm_threads_live_threads",
                "process_cpu_usage",
                "process_uptime_seconds")) {
            assertThat(after.has(pool)).as(pool).isTrue();
        }
        assertThat(after.matching("transactions_total", Map.of()))
                .allSatisfy(s -> assertThat(s.labels())
                        .containsEntry("application", "banking-transaction-api")
                        .containsOnlyKeys("application", "type", "status"));
        List<String> ids = List.of(Long.toString(payer), Long.toString(payee));
        assertThat(after.samples())
                .allSatisfy(s -> assertThat(s.labels().values())
                        .doesNotContainAnyElementsOf(ids)
                        .noneMatch(v -> v.contains(Long.toString(payer))));
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void logsOneJsonObjectPerLineWithRequestIdAndPrincipalAndNoTokenOrPersonalData(CapturedOutput output) {
        Api api = api();
        String run = UUID.randomUUID().toString();
        String subject = "admin-logs-" + run;
        String token = api.token(subject, "admin");
        String holder = "Zelda Logsecret " + run;
        String email = "zelda." + run + "@example.org";
        Api.Response opened = api.as(token)
                .header("X-Request-Id", "open-" + run)
                .post(
                        "/accounts",
                        Map.of(
                                "owner_id",
                                "owner-" + run,
                                "holder_name",
                                holder,
                                "email",
                                email,
                                "currency",
                                "EUR",
                                "initial_deposit",
                                "42.00"));
        assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
        assertThat(opened.header("X-Request-Id")).isEqualTo("open-" + run);
        long account = opened.json().get("id").asLong();
        Api.Response deposit = api.as(token)
                .header("X-Request-Id", "deposit-" + run)
                .post("/transactions", Map.of("type", "deposit", "account_id", account, "amount", "7.25"));
        assertThat(deposit.status()).isEqualTo(201);
        Api.Response refused = api.as(token)
                .header("X-Request-Id", "refused-" + run)
                .post("/transactions", Map.of("type", "withdrawal", "account_id", account, "amount", "1000"));
        assertThat(refused.status()).isEqualTo(422);
        Api.Response generated = api.as(token).get("/accounts/" + account);
        assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.getOut().split("\n")) {
            if (!line.isBlank()) {
                JsonNode json = Api.JSON.readTree(line);
                assertThat(json.isObject()).as(line).isTrue();
                lines.add(json);
            }
        }
        assertThat(lines).allSatisfy(line -> {
            assertThat(text(line, "@timestamp")).isNotBlank();
            assertThat(text(line, "log.level")).isNotBlank();
            assertThat(text(line, "log.logger")).isNotBlank();
            assertThat(text(line, "service.name")).isEqualTo("banking-transaction-api");
        });
        String all = output.getOut();
        assertThat(all)
                .doesNotContain(token)
                .doesNotContain(holder)
                .doesNotContain(email)
                .doesNotContain("Logsecret");

        JsonNode created = only(lines, "open-" + run, "Account created");
        assertThat(text(created, "user.id")).isEqualTo(subject);
        assertThat(text(created, "event.action")).isEqualTo("account-created");
        assertThat(field(created, "bank.account.id").asLong()).isEqualTo(account);

        JsonNode processed = only(lines, "deposit-" + run, "Transaction processed");
        assertThat(text(processed, "user.id")).isEqualTo(subject);
        assertThat(text(processed, "event.action")).isEqualTo("transaction-processed");
        assertThat(field(processed, "bank.transaction.id").asLong())
                .isEqualTo(deposit.json().get("id").asLong());
        assertThat(text(processed, "bank.transaction.type")).isEqualTo("deposit");
        assertThat(field(processed, "bank.transaction.amount").decimalValue()).isEqualByComparingTo("7.25");
        assertThat(text(processed, "bank.transaction.currency")).isEqualTo("EUR");
        assertThat(field(processed, "bank.account.id").asLong()).isEqualTo(account);

        JsonNode refusal = only(lines, "refused-" + run, "Request refused");
        assertThat(text(refusal, "user.id")).isEqualTo(subject);
        assertThat(text(refusal, "error.code")).isEqualTo("insufficient_funds");
        assertThat(field(refusal, "http.response.status_code").asInt()).isEqualTo(422);

        assertThat(lines.stream().filter(l -> text(l, "http.request.id").endsWith(run)))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(text(l, "user.id")).isEqualTo(subject));
    }

    private static JsonNode only(List<JsonNode> lines, String requestId, String messagePrefix) {
        List<JsonNode> found = lines.stream()
                .filter(l -> requestId.equals(text(l, "http.request.id"))
                        && text(l, "message").startsWith(messagePrefix))
                .toList();
        assertThat(found).as(messagePrefix + " for " + requestId).hasSize(1);
        return found.getFirst();
    }

    /** An ECS field by its dotted name, whether the line nests it ({"log":{"level":..}}) or not ({"log.level":..}). */
    static JsonNode field(JsonNode line, String dotted) {
        if (line.has(dotted)) {
            return line.get(dotted);
        }
        JsonNode node = line;
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    static String text(JsonNode line, String dotted) {
        JsonNode node = field(line, dotted);
        return node.isMissingNode() || node.isNull() ? "" : node.asString();
    }

    private static PrometheusText scrape(Api api) {
        Api.Response metrics = api.anonymous().get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        return PrometheusText.parse(metrics.text());
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
