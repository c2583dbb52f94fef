package org.bankapi.statement;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StatementApiTest extends ApiTest {

    private static String q(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    private static Instant createdAt(JsonNode node) {
        return Instant.parse(node.get("created_at").asString());
    }

    private static Api.Response ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isBetween(200, 201);
        return response;
    }

    /** Every entry of a window, following next_cursor with the given page size; also checks each page's balances. */
    private static List<JsonNode> allEntries(Api api, String token, long account, Instant from, Instant to, int limit) {
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        String opening = null;
        String closing = null;
        do {
            String path = "/accounts/" + account + "/statement?from=" + q(from) + "&to=" + q(to) + "&limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = ok(api.as(token).get(path)).json();
            if (opening != null) {
                assertThat(page.get("opening_balance").asString())
                        .as("every page shows the window's opening")
                        .isEqualTo(opening);
                assertThat(page.get("closing_balance").asString())
                        .as("every page shows the window's closing")
                        .isEqualTo(closing);
            }
            opening = page.get("opening_balance").asString();
            closing = page.get("closing_balance").asString();
            assertThat(page.get("entries").size()).isLessThanOrEqualTo(limit);
            page.get("entries").forEach(entries::add);
            cursor = page.get("next_cursor").isNull()
                    ? null
                    : page.get("next_cursor").asString();
        } while (cursor != null);
        return entries;
    }

    @Test
    void aStatementListsTheWindowsEntriesOldestFirstWithSignedAmountsAndRunningBalances() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        String token = api.token(owner, "customer");
        long a = bank.openAccount(owner, "100.00");
        long b = bank.openAccount(Bank.newOwner(), null);
        ok(bank.deposit(token, a, "50.00"));
        ok(bank.transfer(token, a, b, "30.25"));
        ok(bank.withdraw(token, a, "20.00"));
        Instant opened = Instant.parse(bank.account(a).get("created_at").asString());

        Instant from = opened;
        Instant to = Instant.now().plusSeconds(60);
        JsonNode statement = ok(api.as(token).get("/accounts/" + a + "/statement?from=" + q(from) + "&to=" + q(to)))
                .json();

        assertThat(statement.get("account_id").asLong()).isEqualTo(a);
        assertThat(statement.get("currency").asString()).isEqualTo("EUR");
        assertThat(Instant.parse(statement.get("from").asString())).isEqualTo(from);
        assertThat(Instant.parse(statement.get("to").asString())).isEqualTo(to);
        assertThat(statement.get("opening_balance").asString()).isEqualTo("0.00");
        assertThat(statement.get("closing_balance").asString()).isEqualTo("99.75");
        assertThat(statement.get("next_cursor").isNull()).isTrue();
        JsonNode entries = statement.get("entries");
        assertThat(entries).hasSize(4);
        assertThat(entries.valueStream().map(e -> e.get("type").asString()).toList())
                .containsExactly("deposit", "deposit", "transfer", "withdrawal");
        assertThat(entries.valueStream().map(e -> e.get("amount").asString()).toList())
                .containsExactly("100.00", "50.00", "-30.25", "-20.00");
        assertThat(entries.valueStream()
                        .map(e -> e.get("balance_after").asString())
                        .toList())
                .containsExactly("100.00", "150.00", "119.75", "99.75");
        assertThat(entries.get(0).get("description").asString()).isEqualTo("initial deposit");
        assertThat(entries.get(1).get("description").isNull()).isTrue();
        assertThat(entries.get(0).get("transaction_id").asLong()).isPositive();

        JsonNode credited = ok(api.as(bank.admin())
                        .get("/accounts/" + b + "/statement?from=" + q(from) + "&to=" + q(to)))
                .json();
        assertThat(credited.get("entries")).hasSize(1);
        assertThat(credited.get("entries").get(0).get("amount").asString()).isEqualTo("30.25");
        assertThat(credited.get("entries").get(0).get("transaction_id").asLong())
                .isEqualTo(entries.get(2).get("transaction_id").asLong());
    }

    @Test
    void withoutBoundsTheStatementCoversTheCurrentCalendarMonthInUtc() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "10.00");
        ZonedDateTime before = ZonedDateTime.now(ZoneOffset.UTC);
        JsonNode statement = ok(api.as(bank.admin()).get("/accounts/" + account + "/statement"))
                .json();
        ZonedDateTime after = ZonedDateTime.now(ZoneOffset.UTC);

        Instant from = Instant.parse(statement.get("from").asString());
        Instant to = Instant.parse(statement.get("to").asString());
        List<Instant> months = List.of(before, after).stream()
                .map(t -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant())
                .toList();
        assertThat(from).isIn(months);
        assertThat(to).isEqualTo(from.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
        assertThat(statement.get("entries")).hasSize(1);
        assertThat(statement.get("closing_balance").asString()).isEqualTo("10.00");

        JsonNode fromOnly = ok(api.as(bank.admin())
                        .get("/accounts/" + account + "/statement?from=2026-02-01T00:00:00Z"))
                .json();
        assertThat(fromOnly.get("to").asString()).isEqualTo("2026-03-01T00:00:00Z");
        JsonNode toOnly = ok(api.as(bank.admin())
                        .get("/accounts/" + account + "/statement?to=2026-03-31T00:00:00%2B02:00"))
                .json();
        assertThat(toOnly.get("from").asString()).isEqualTo("2026-02-28T22:00:00Z");
    }

    @Test
    void openingPlusTheWindowsEntriesIsTheClosingBalanceForRandomWindowsAndPageSizes() {
        Api api = api();
        Bank bank = new Bank(api);
        Random random = new Random(42);
        String owner = Bank.newOwner();
        long account = bank.openAccount(owner, "500.00");
        long other = bank.openAccount(Bank.newOwner(), "500.00");
        bank.randomTraffic(random, account, other, 30);
        String token = api.token(owner, "customer");
        Instant start = Instant.parse(bank.account(account).get("created_at").asString())
                .minusSeconds(1);
        Instant end = Instant.now().plusSeconds(1);
        List<JsonNode> all = allEntries(api, token, account, start, end, 1000);
        assertThat(all.size()).isGreaterThan(10);
        assertThat(all.getLast().get("balance_after").asString()).isEqualTo(bank.balance(account));
        List<Instant> times = all.stream().map(StatementApiTest::createdAt).toList();

        for (int round = 0; round < 25; round++) {
            Instant from = pick(random, times);
            Instant to = pick(random, times);
            if (!from.isBefore(to)) {
                continue;
            }
            int limit = 1 + random.nextInt(7);
            List<JsonNode> window = allEntries(api, token, account, from, to, limit);
            List<JsonNode> expected = all.stream()
                    .filter(e -> !createdAt(e).isBefore(from) && createdAt(e).isBefore(to))
                    .toList();
            assertThat(window.stream().map(JsonNode::toString).toList())
                    .isEqualTo(expected.stream().map(JsonNode::toString).toList());

            JsonNode first = ok(api.as(token)
                            .get("/accounts/" + account + "/statement?from=" + q(from) + "&to=" + q(to) + "&limit=1"))
                    .json();
            BigDecimal opening = new BigDecimal(first.get("opening_balance").asString());
            BigDecimal closing = new BigDecimal(first.get("closing_balance").asString());
            BigDecimal sum = window.stream()
                    .map(e -> new BigDecimal(e.get("amount").asString()))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(opening.add(sum)).as("window %s to %s", from, to).isEqualByComparingTo(closing);
            String openingExpected = all.stream()
                    .filter(e -> createdAt(e).isBefore(from))
                    .reduce((x, y) -> y)
                    .map(e -> e.get("balance_after").asString())
                    .orElse("0.00");
            assertThat(first.get("opening_balance").asString()).isEqualTo(openingExpected);
        }
    }

    @Test
    void eachStatementIsOneSnapshotWhileMoneyKeepsMoving() throws Exception {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "100.00");
        long other = bank.openAccount(Bank.newOwner(), "100.00");
        Instant from = Instant.parse(bank.account(account).get("created_at").asString())
                .plusMillis(1);
        String path =
                "/accounts/" + account + "/statement?limit=1000&from=" + q(from) + "&to=" + q(from.plusSeconds(3600));
        AtomicBoolean moving = new AtomicBoolean(true);
        Thread traffic = Thread.ofVirtual().start(() -> {
            Random random = new Random(3);
            while (moving.get()) {
                bank.randomTraffic(random, account, other, 1);
            }
        });
        try {
            for (int i = 0; i < 25; i++) {
                JsonNode statement = ok(api.as(bank.admin()).get(path)).json();
                BigDecimal running =
                        new BigDecimal(statement.get("opening_balance").asString());
                for (JsonNode entry : statement.get("entries")) {
                    running = running.add(new BigDecimal(entry.get("amount").asString()));
                    assertThat(new BigDecimal(entry.get("balance_after").asString()))
                            .isEqualByComparingTo(running);
                }
                assertThat(running)
                        .as("read %d", i)
                        .isEqualByComparingTo(
                                new BigDecimal(statement.get("closing_balance").asString()));
            }
        } finally {
            moving.set(false);
            traffic.join();
        }
    }

    /** A stored instant, or one a microsecond or a few milliseconds off it. */
    private static Instant pick(Random random, List<Instant> times) {
        Instant base = times.get(random.nextInt(times.size()));
        return switch (random.nextInt(4)) {
            case 0 -> base;
            case 1 -> base.plus(1, ChronoUnit.MICROS);
            case 2 -> base.minus(1, ChronoUnit.MICROS);
            default -> base.plusMillis(random.nextInt(20) - 10);
        };
    }

    @Test
    void theCsvHoldsTheWholeWindowAndAgreesWithTheJson() {
        Api api = api();
        Bank bank = new Bank(api);
        String owner = Bank.newOwner();
        String token = api.token(owner, "customer");
        long account = bank.openAccount(owner, "1000.00");
        List<String> descriptions = List.of(
                "plain",
                "rent, November",
                "the \"best\" shop",
                "two\nlines",
                "=HYPERLINK(\"http://evil\")",
                "+1 bonus",
                "-minus",
                "@SUM(A1)",
                "café ü 💶");
        for (String description : descriptions) {
            ok(api.as(token)
                    .post(
                            "/transactions",
                            Map.of(
                                    "type",
                                    "withdrawal",
                                    "account_id",
                                    account,
                                    "amount",
                                    "1.10",
                                    "description",
                                    description)));
        }
        Instant from = Instant.parse(bank.account(account).get("created_at").asString());
        Instant to = Instant.now().plusSeconds(5);
        String window = "from=" + q(from) + "&to=" + q(to);
        List<JsonNode> json = allEntries(api, token, account, from, to, 3);

        Api.Response byAccept =
                api.as(token).header("Accept", "text/csv").get("/accounts/" + account + "/statement?" + window);
        Api.Response byFormat = api.as(token).get("/accounts/" + account + "/statement?format=csv&" + window);
        for (Api.Response csv : List.of(byAccept, byFormat)) {
            assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
            assertThat(csv.header("Content-Type")).startsWith("text/csv");
            assertThat(csv.header("Content-Disposition")).startsWith("attachment; filename=\"statement-" + account);
            List<List<String>> rows = Csv.parse(csv.text());
            assertThat(rows.getFirst())
                    .containsExactly("transaction_id", "created_at", "type", "description", "amount", "balance_after");
            assertThat(rows).hasSize(json.size() + 1);
            for (int i = 0; i < json.size(); i++) {
                JsonNode entry = json.get(i);
                List<String> row = rows.get(i + 1);
                assertThat(Long.parseLong(row.get(0)))
                        .isEqualTo(entry.get("transaction_id").asLong());
                assertThat(Instant.parse(row.get(1))).isEqualTo(createdAt(entry));
                assertThat(row.get(2)).isEqualTo(entry.get("type").asString());
                String description = entry.get("description").isNull()
                        ? ""
                        : entry.get("description").asString();
                assertThat(row.get(3)).isIn(description, "'" + description);
                assertThat(row.get(4)).isEqualTo(entry.get("amount").asString());
                assertThat(row.get(5)).isEqualTo(entry.get("balance_after").asString());
            }
            List<String> shown = rows.stream().skip(2).map(row -> row.get(3)).toList();
            assertThat(shown)
                    .containsExactly(
                            "plain",
                            "rent, November",
                            "the \"best\" shop",
                            "two\nlines",
                            "'=HYPERLINK(\"http://evil\")",
                            "'+1 bonus",
                            "'-minus",
                            "'@SUM(A1)",
                            "café ü 💶");
            assertThat(rows.get(2).get(4)).isEqualTo("-1.10");
        }
        assertThat(byAccept.text()).isEqualTo(byFormat.text());
    }

    @Test
    void anEmptyWindowHasOnlyTheHeaderInCsvAndEqualBalancesInJson() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "12.00");
        String window = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
        Api.Response csv = api.as(bank.admin()).get("/accounts/" + account + "/statement?format=csv&" + window);
        assertThat(csv.text()).isEqualTo(StatementCsv.HEADER + "\r\n");
        JsonNode json = ok(api.as(bank.admin()).get("/accounts/" + account + "/statement?" + window))
                .json();
        assertThat(json.get("entries")).isEmpty();
        assertThat(json.get("opening_balance").asString())
                .isEqualTo("0.00")
                .isEqualTo(json.get("closing_balance").asString());
    }

    @Test
    void badWindowsLimitsCursorsAndFormatsAreRefusedWith400() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "1.00");
        String path = "/accounts/" + account + "/statement?";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("from=yesterday", "from");
        refused.put("from=2026-01-01", "from");
        refused.put("from=2026-01-01T00:00:00", "from");
        refused.put("to=2026-13-01T00:00:00Z", "to");
        refused.put("from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z", "from");
        refused.put("from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z", "from");
        refused.put("from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:01Z", "to");
        refused.put("limit=0", "limit");
        refused.put("limit=1001", "limit");
        refused.put("limit=many", "limit");
        refused.put("cursor=bm90LWEtY3Vyc29y", "cursor");
        refused.put("format=xml", "format");
        refused.put("format=csv&from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z", "from");
        refused.forEach((query, field) -> {
            Api.Response response = api.as(bank.admin()).get(path + query);
            assertThat(response.status()).as(query + " -> " + response).isEqualTo(400);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.code()).isEqualTo("validation_failed");
            assertThat(response.json().get("errors").toString()).as(query).contains("\"field\":\"" + field + "\"");
        });
        Api.Response csv = api.as(bank.admin()).header("Accept", "text/csv").get(path + "from=nonsense");
        assertThat(csv.status()).isEqualTo(400);
        assertThat(csv.header("Content-Type")).startsWith("application/problem+json");

        assertThat(api.as(bank.admin())
                        .get(path + "from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z")
                        .status())
                .as("exactly 366 days")
                .isEqualTo(200);
        assertThat(api.as(bank.admin()).get(path + "limit=1000").status()).isEqualTo(200);
    }

    @Test
    void anotherCustomersStatementIsForbiddenAndAnUnknownAccountNotFound() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "1.00");
        String stranger = api.token(Bank.newOwner(), "customer");
        for (Api.Response response : List.of(
                api.as(stranger).get("/accounts/" + account + "/statement"),
                api.as(stranger).get("/accounts/" + account + "/statement?format=csv"),
                api.as(stranger).header("Accept", "text/csv").get("/accounts/" + account + "/statement"))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.code()).isEqualTo("forbidden");
            assertThat(response.text()).doesNotContain("initial deposit");
        }
        for (Api.Response response : List.of(
                api.as(bank.admin()).get("/accounts/999999999/statement"),
                api.as(bank.admin()).get("/accounts/999999999/statement?format=csv"),
                api.as(bank.admin()).get("/accounts/978/statement"))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.code()).isEqualTo("not_found");
        }
        assertThat(api.anonymous().get("/accounts/" + account + "/statement").status())
                .isEqualTo(401);
    }
}
