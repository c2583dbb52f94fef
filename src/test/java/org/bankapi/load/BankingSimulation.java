package org.bankapi.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Locust scenario of tests/load_test.py on the JVM, for throughput and p50/p95/p99 figures: each virtual
 * user opens two accounts through the admin token, then as the customer mixes reads, deposits, withdrawals
 * and transfers between them, and places holds that the admin at once captures partly or voids. Run by `./mvnw gatling:test` (scripts/load-test.sh starts the service first);
 * the name does not end in Test, so Surefire never runs it.
 *
 * <p>SCENARIO=capacity selects the closed-loop capacity run instead (scripts/benchmark.sh): ACCOUNTS accounts
 * are opened first, then CONCURRENCY users, with no think time, loop for DURATION_S seconds over transfers
 * between those accounts (70 %), deposits (15 %) and reads (15 %), so throughput is set by the server.
 *
 * <p>Environment: BASE_URL (http://127.0.0.1:8000), ADMIN_TOKEN and CUSTOMER_TOKEN (required), CUSTOMER_SUB
 * (default: the token's `sub`), USERS (100), RAMP_S (10), HOLD_S (30); SCENARIO (customers | capacity), CONCURRENCY (32),
 * DURATION_S (30), ACCOUNTS (8). A system property of the same name wins over the environment variable.
 */
public class BankingSimulation extends Simulation {

    private static final String BASE_URL = env("BASE_URL", "http://127.0.0.1:8000");
    private static final String ADMIN_TOKEN = required("ADMIN_TOKEN");
    private static final String CUSTOMER_TOKEN = required("CUSTOMER_TOKEN");
    /** The owner of the users' accounts: CUSTOMER_SUB when set, else the `sub` of CUSTOMER_TOKEN. */
    private static final String CUSTOMER_SUB =
            Optional.ofNullable(env("CUSTOMER_SUB", null)).orElseGet(() -> subjectOf(CUSTOMER_TOKEN));

    private static final int USERS = Integer.parseInt(env("USERS", "100"));
    private static final int RAMP_S = Integer.parseInt(env("RAMP_S", "10"));
    private static final int HOLD_S = Integer.parseInt(env("HOLD_S", "30"));
    private static final String SCENARIO = env("SCENARIO", "customers");
    private static final int CONCURRENCY = Integer.parseInt(env("CONCURRENCY", "32"));
    private static final int DURATION_S = Integer.parseInt(env("DURATION_S", "30"));
    private static final int ACCOUNTS = Integer.parseInt(env("ACCOUNTS", "8"));

    /** Ids of the capacity run's shared accounts, filled by the opening users before the loop starts. */
    private static final List<Long> SHARED_ACCOUNTS = new CopyOnWriteArrayList<>();

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
            .acceptHeader("application/json, application/problem+json")
            .contentTypeHeader("application/json")
            .shareConnections();

    private static ChainBuilder openAccount(String label, String idKey) {
        String body = """
                {"owner_id": "%s", "holder_name": "Load Test %s", "email": "%s+%s@example.com",
                 "currency": "EUR", "initial_deposit": "1000.00"}""".formatted(CUSTOMER_SUB, label, CUSTOMER_SUB, label);
        return exec(http("POST /accounts (admin, on start)")
                .post("/accounts")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                .body(StringBody(body))
                .check(
                        status().is(201),
                        jsonPath("$.balance").is("1000.00"),
                        jsonPath("$.id").ofLong().saveAs(idKey)));
    }

    private static final ChainBuilder READ_ACCOUNT = exec(http("GET /accounts/{id}")
            .get(session -> "/accounts/" + anyAccount(session))
            .header("Authorization", "Bearer " + CUSTOMER_TOKEN)
            .check(status().is(200), jsonPath("$.balance").exists()));

    private static final ChainBuilder LIST_TRANSACTIONS = exec(http("GET /transactions?account_id=")
            .get(session -> "/transactions?account_id=" + anyAccount(session) + "&limit=20")
            .header("Authorization", "Bearer " + CUSTOMER_TOKEN)
            .check(status().is(200), jsonPath("$.items").exists()));

    private static final ChainBuilder DEPOSIT =
            money("POST /transactions (deposit)", session -> """
            {"type": "deposit", "account_id": %d, "amount": "%s", "currency": "EUR", "description": "load test deposit"}""".formatted(anyAccount(session), amount(1, 200)), false);

    private static final ChainBuilder WITHDRAWAL = money(
            "POST /transactions (withdrawal)", session -> """
            {"type": "withdrawal", "account_id": %d, "amount": "%s", "currency": "EUR", "description": "load test withdrawal"}""".formatted(anyAccount(session), amount(1, 50)), true);

    private static final ChainBuilder TRANSFER = money(
            "POST /transactions (transfer)",
            session -> {
                boolean forward = ThreadLocalRandom.current().nextBoolean();
                long source = session.getLong(forward ? "accountA" : "accountB");
                long target = session.getLong(forward ? "accountB" : "accountA");
                return """
                {"type": "transfer", "account_id": %d, "target_account_id": %d, "amount": "%s", "currency": "EUR",
                 "description": "load test transfer"}""".formatted(source, target, amount(1, 100));
            },
            true);

    /** A money POST: 201, or (for withdrawals and transfers) 422 insufficient_funds, an expected outcome under load. */
    private static ChainBuilder money(String name, Function<Session, String> body, boolean mayLackFunds) {
        return exec(http(name)
                        .post("/transactions")
                        .header("Authorization", "Bearer " + CUSTOMER_TOKEN)
                        .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                        .body(StringBody(body))
                        .check(mayLackFunds ? status().in(201, 422) : status().is(201))
                        .check(jsonPath("$.code").optional().saveAs("refusal")))
                .exec(session -> {
                    // A 422 counts as success only when its code is insufficient_funds.
                    if (session.contains("refusal") && !"insufficient_funds".equals(session.getString("refusal"))) {
                        return session.markAsFailed().remove("refusal");
                    }
                    return session.remove("refusal");
                });
    }

    /**
     * The customer places a hold (201, or 422 insufficient_funds), and when it was placed the admin captures
     * two in three partly (201, the booked transaction carries hold_id) and voids the rest (200, voided).
     */
    private static final ChainBuilder HOLD = exec(session -> session.remove("holdId"))
            .exec(http("POST /holds")
                    .post("/holds")
                    .header("Authorization", "Bearer " + CUSTOMER_TOKEN)
                    .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                    .body(StringBody(session -> """
                            {"account_id": %d, "amount": "%s", "currency": "EUR", "description": "load test hold",
                             "expires_in_seconds": 3600}""".formatted(anyAccount(session), amount(2, 50))))
                    .check(status().in(201, 422))
                    .check(jsonPath("$.code").optional().saveAs("refusal"))
                    .check(jsonPath("$.id").optional().saveAs("holdId"))
                    .check(jsonPath("$.amount").optional().saveAs("holdAmount")))
            .exec(session -> {
                if (session.contains("refusal") && !"insufficient_funds".equals(session.getString("refusal"))) {
                    return session.markAsFailed().remove("refusal").remove("holdId");
                }
                return session.remove("refusal");
            })
            .doIf(session -> session.contains("holdId"))
            .then(doIfOrElse(session -> ThreadLocalRandom.current().nextInt(3) < 2)
                    .then(exec(http("POST /holds/{id}/capture (admin, partial)")
                            .post(session -> "/holds/" + session.getString("holdId") + "/capture")
                            .header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .header(
                                    "Idempotency-Key",
                                    session -> UUID.randomUUID().toString())
                            .body(StringBody(session -> "{\"amount\": \"%s\"}"
                                    .formatted(new BigDecimal(session.getString("holdAmount"))
                                            .divide(BigDecimal.TWO)
                                            .setScale(2, RoundingMode.DOWN)
                                            .toPlainString())))
                            .check(
                                    status().is(201),
                                    jsonPath("$.type").is("withdrawal"),
                                    jsonPath("$.hold_id").is(session -> session.getString("holdId")))))
                    .orElse(exec(http("POST /holds/{id}/void (admin)")
                            .post(session -> "/holds/" + session.getString("holdId") + "/void")
                            .header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .header(
                                    "Idempotency-Key",
                                    session -> UUID.randomUUID().toString())
                            .check(status().is(200), jsonPath("$.status").is("voided")))));

    private final ScenarioBuilder customers = scenario("Banking customer")
            .exec(openAccount("Main", "accountA"), openAccount("Savings", "accountB"))
            .exitHereIfFailed()
            .during(Duration.ofSeconds(HOLD_S))
            .on(randomSwitch()
                    .on(
                            percent(28.0).then(READ_ACCOUNT),
                            percent(17.0).then(LIST_TRANSACTIONS),
                            percent(19.0).then(DEPOSIT),
                            percent(12.0).then(WITHDRAWAL),
                            percent(12.0).then(TRANSFER),
                            percent(12.0).then(HOLD))
                    .pause(Duration.ofMillis(500), Duration.ofMillis(2000)));

    private final ScenarioBuilder openShared = scenario("Capacity: open the shared accounts")
            .exec(http("POST /accounts (admin, setup)")
                    .post("/accounts")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                    .body(StringBody(
                            session -> """
                            {"owner_id": "%s", "holder_name": "Capacity %d", "email": "%s+capacity%d@example.com",
                             "currency": "EUR", "initial_deposit": "1000000.00"}""".formatted(CUSTOMER_SUB, session.userId(), CUSTOMER_SUB, session.userId())))
                    .check(status().is(201), jsonPath("$.id").ofLong().saveAs("opened")))
            .exec(session -> {
                if (session.contains("opened")) {
                    SHARED_ACCOUNTS.add(session.getLong("opened"));
                }
                return session;
            });

    private static final ChainBuilder SHARED_TRANSFER = money(
            "POST /transactions (transfer)",
            session -> {
                int count = SHARED_ACCOUNTS.size();
                int from = ThreadLocalRandom.current().nextInt(count);
                int to = (from + 1 + ThreadLocalRandom.current().nextInt(count - 1)) % count;
                return """
                {"type": "transfer", "account_id": %d, "target_account_id": %d, "amount": "%s", "currency": "EUR",
                 "description": "capacity transfer"}""".formatted(SHARED_ACCOUNTS.get(from), SHARED_ACCOUNTS.get(to), amount(1, 100));
            },
            true);

    private static final ChainBuilder SHARED_DEPOSIT =
            money("POST /transactions (deposit)", session -> """
            {"type": "deposit", "account_id": %d, "amount": "%s", "currency": "EUR", "description": "capacity deposit"}""".formatted(sharedAccount(), amount(1, 200)), false);

    private static final ChainBuilder SHARED_READ = exec(http("GET /accounts/{id}")
            .get(session -> "/accounts/" + sharedAccount())
            .header("Authorization", "Bearer " + CUSTOMER_TOKEN)
            .check(status().is(200), jsonPath("$.balance").exists()));

    // No shareConnections: each user keeps its own keep-alive connection, like CONCURRENCY separate clients.
    // A failed account opening already fails the run (no failed request allowed); the loop then has nothing to do.
    private final ScenarioBuilder capacity = scenario("Capacity (closed loop, no think time)")
            .exitHereIf(session -> SHARED_ACCOUNTS.size() < 2)
            .during(Duration.ofSeconds(DURATION_S))
            .on(randomSwitch()
                    .on(
                            percent(70.0).then(SHARED_TRANSFER),
                            percent(15.0).then(SHARED_DEPOSIT),
                            percent(15.0).then(SHARED_READ)));

    {
        if ("capacity".equals(SCENARIO)) {
            if (ACCOUNTS < 2 || CONCURRENCY < 1 || DURATION_S < 1) {
                throw new IllegalStateException("capacity needs ACCOUNTS >= 2, CONCURRENCY >= 1, DURATION_S >= 1");
            }
            setUp(openShared.injectOpen(atOnceUsers(ACCOUNTS)).andThen(capacity.injectOpen(atOnceUsers(CONCURRENCY))))
                    .protocols(http.baseUrl(BASE_URL)
                            .acceptHeader("application/json, application/problem+json")
                            .contentTypeHeader("application/json"))
                    .maxDuration(Duration.ofSeconds(DURATION_S + 120L))
                    .assertions(
                            global().failedRequests().count().is(0L),
                            global().successfulRequests().count().gt(0L));
        } else if ("customers".equals(SCENARIO)) {
            setUp(customers.injectOpen(rampUsers(USERS).during(Duration.ofSeconds(RAMP_S))))
                    .protocols(protocol)
                    .assertions(
                            global().failedRequests().count().is(0L),
                            global().successfulRequests().count().gt(0L));
        } else {
            throw new IllegalStateException("SCENARIO must be customers or capacity, not " + SCENARIO);
        }
    }

    private static long sharedAccount() {
        return SHARED_ACCOUNTS.get(ThreadLocalRandom.current().nextInt(SHARED_ACCOUNTS.size()));
    }

    private static long anyAccount(Session session) {
        return session.getLong(ThreadLocalRandom.current().nextBoolean() ? "accountA" : "accountB");
    }

    /** A random amount with two decimals, as a string (money is never a binary floating-point number). */
    private static String amount(int low, int high) {
        long cents = ThreadLocalRandom.current().nextLong(low * 100L, high * 100L + 1);
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    private static String env(String name, String fallback) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String required(String name) {
        String value = env(name, null);
        if (value == null) {
            throw new IllegalStateException(name + " must be set (a bearer token; see scripts/load-test.sh)");
        }
        return value;
    }

    /** The `sub` claim of a JWT, read from its payload (the base64url middle part); its signature is the service's business. */
    static String subjectOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            throw new IllegalStateException("CUSTOMER_TOKEN is not a JWT: set CUSTOMER_SUB");
        }
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String subject =
                JsonMapper.builder().build().readTree(payload).path("sub").asString();
        if (subject == null || subject.isEmpty()) {
            throw new IllegalStateException("CUSTOMER_TOKEN carries no sub claim: set CUSTOMER_SUB");
        }
        return subject;
    }
}
