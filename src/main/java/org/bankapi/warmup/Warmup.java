package org.bankapi.warmup;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bankapi.account.AccountView;
import org.bankapi.account.OpenAccountRequest;
import org.bankapi.config.ProcessSettings;
import org.bankapi.ledger.AccountStatus;
import org.bankapi.ledger.TransactionStatus;
import org.bankapi.ledger.TransactionType;
import org.bankapi.observability.AnsweredProblem;
import org.bankapi.security.TokenIssuer;
import org.bankapi.security.TokenSettings;
import org.bankapi.transaction.CreateTransactionRequest;
import org.bankapi.transaction.TransactionView;
import org.bankapi.web.error.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the read paths over loopback before {@code /health/ready} says UP, so that the first clients do
 * not pay for class loading and interpreted code; it never sends a request that changes a row.
 * docs/performance.md, "Warm from the first second".
 */
@Component("warmup")
public class Warmup implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    static final String SUBJECT = "warmup";
    static final int PAGE_LIMIT = 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** A worker stops once this many rounds in a row took less than {@code bank.warmup.round-ms-target}. */
    static final int FAST_ROUNDS_ENOUGH = 50;

    private final TokenSettings tokenSettings;
    private final JsonMapper json;
    private final Clock clock;
    private final boolean serving;
    private final long msMax;
    private final int workers;
    private final long roundNanosTarget;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** System.nanoTime() at which the running warm-up stops; {@link #stop()} brings it forward. */
    private final AtomicLong deadline = new AtomicLong();

    private volatile boolean started;

    Warmup(TokenSettings tokenSettings, JsonMapper json, Clock clock, ProcessSettings process, WarmupSettings warmup) {
        this.tokenSettings = tokenSettings;
        this.json = json;
        this.clock = clock;
        this.serving = process.serves();
        this.msMax = Math.max(0, warmup.msMax());
        this.workers = Math.max(1, warmup.workers());
        this.roundNanosTarget = TimeUnit.MILLISECONDS.toNanos(Math.max(0, warmup.roundMsTarget()));
        if (!enabled()) {
            finished.countDown();
        }
    }

    /** Off for {@code bank.warmup.ms-max=0} and outside {@code serve} (the consume process serves no API). */
    boolean enabled() {
        return msMax > 0 && serving;
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        if (enabled() && event.getApplicationContext() instanceof WebServerApplicationContext web) {
            start(web.getWebServer().getPort());
        } else {
            finished.countDown();
        }
    }

    /** Starts the warm-up against the server on {@code port} in the background; readiness waits for it. */
    synchronized void start(int port) {
        if (started) {
            return;
        }
        started = true;
        Duration budget = Duration.ofMillis(msMax);
        deadline.set(System.nanoTime() + budget.toNanos());
        Thread.ofPlatform().name("warmup").daemon().start(() -> {
            long begin = System.nanoTime();
            try {
                loop(port, budget);
            } catch (RuntimeException e) {
                log.warn("Warm-up stopped early ({}); the instance reports ready anyway", e.toString());
            } finally {
                finished.countDown();
                log.info(
                        "Warm-up done in {} ms ({} requests over loopback, {} failed rounds); /health/ready is UP",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                        requests.get(),
                        failures.get());
            }
        });
    }

    /**
     * Runs {@link #workers} loops of read requests and in-process JSON until each loop's rounds are fast
     * ({@link #FAST_ROUNDS_ENOUGH} in a row under {@code round-ms-target}: the instance serves at its normal
     * speed), {@code budget} has passed, or {@link #stop()}; whichever comes first.
     */
    void run(int port, Duration budget) {
        deadline.set(System.nanoTime() + budget.toNanos());
        loop(port, budget);
    }

    private void loop(int port, Duration budget) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        String base = "http://127.0.0.1:" + port;
        Tokens tokens = tokens(budget);
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            loops.add(Thread.ofVirtual().name("warmup-" + i).start(() -> {
                int fastInARow = 0;
                while (running() && fastInARow < FAST_ROUNDS_ENOUGH) {
                    long begin = System.nanoTime();
                    try {
                        round(http, base, tokens);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        log.debug("A warm-up round failed", e);
                    }
                    boolean fast = System.nanoTime() - begin < roundNanosTarget;
                    fastInARow = fast ? fastInARow + 1 : 0;
                }
            }));
        }
        for (Thread loop : loops) {
            try {
                loop.join(budget.plus(REQUEST_TIMEOUT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean running() {
        return System.nanoTime() - deadline.get() < 0;
    }

    /** Ends the running warm-up after the requests in flight (the context is closing, or a test says so). */
    @PreDestroy
    void stop() {
        deadline.set(System.nanoTime());
    }

    private record Tokens(String admin, String customer) {}

    /** Short-lived tokens for the loopback reads; none without the HS256 secret (Azure AD tokens cannot be minted here). */
    private Tokens tokens(Duration budget) {
        if (!tokenSettings.hmacTokensEnabled()) {
            return new Tokens(null, null);
        }
        TokenIssuer issuer = new TokenIssuer(tokenSettings.jwtSecret(), tokenSettings.azureClientId());
        Instant now = clock.instant();
        Duration ttl = budget.plusMinutes(1);
        return new Tokens(issuer.issue(SUBJECT, "admin", ttl, now), issuer.issue(SUBJECT, "customer", ttl, now));
    }

    /** One pass over the read paths and the JSON the write paths use; never a request that changes anything. */
    private void round(HttpClient http, String base, Tokens tokens) {
        bodies();
        if (tokens.admin() == null) {
            // no token can be minted: the requests would be 401s, which are audited; JSON alone then
            return;
        }
        JsonNode page = get(http, base + "/accounts?limit=" + PAGE_LIMIT, tokens.admin());
        get(http, base + "/accounts?limit=" + PAGE_LIMIT, tokens.customer());
        get(http, base + "/transactions?limit=" + PAGE_LIMIT, tokens.admin());
        JsonNode first = page == null ? null : page.path("items").path(0);
        if (first != null && first.has("id")) {
            long id = first.get("id").asLong();
            get(http, base + "/accounts/" + id, tokens.admin());
            get(http, base + "/transactions?account_id=" + id + "&limit=" + PAGE_LIMIT, tokens.admin());
        }
    }

    /** The (de)serialisation of every body the hot endpoints read and write, through the service's own mapper. */
    private void bodies() {
        json.readValue(
                "{\"type\":\"transfer\",\"account_id\":1,\"target_account_id\":2,\"amount\":\"0.01\",\"currency\":\"EUR\","
                        + "\"description\":\"warm-up\"}",
                CreateTransactionRequest.class);
        json.readValue(
                "{\"owner_id\":\"warmup\",\"holder_name\":\"Warm Up\",\"email\":\"warm@example.com\",\"currency\":\"EUR\","
                        + "\"initial_deposit\":\"1.00\"}",
                OpenAccountRequest.class);
        Instant now = clock.instant();
        json.writeValueAsBytes(new AccountView(
                1, SUBJECT, "Warm Up", "warm@example.com", "EUR", "1.00", "1.00", AccountStatus.OPEN.wireName(), now));
        json.writeValueAsBytes(new TransactionView(
                1,
                TransactionType.TRANSFER.wireName(),
                TransactionStatus.COMPLETED.wireName(),
                "0.01",
                "EUR",
                1,
                2L,
                "warm-up",
                null,
                now,
                null));
        ProblemDetail problem =
                ProblemResponses.problem(422, "insufficient_funds", "warm-up", Map.of("amount", "warm-up"));
        json.writeValueAsBytes(problem);
        AnsweredProblem.take();
    }

    private JsonNode get(HttpClient http, String url, String token) {
        if (!running()) {
            return null;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", "warmup-" + requests.incrementAndGet())
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** True once the warm-up ran its time (or was off); waits up to {@code timeout}. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long requests() {
        return requests.get();
    }

    /** Part of the {@code ready} group: OUT_OF_SERVICE (503) while the warm-up runs. */
    @Override
    public Health health() {
        return finished.getCount() == 0
                ? Health.up().build()
                : Health.outOfService().withDetail("warmup", "running").build();
    }
}
