package org.bankapi.warmup;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.bankapi.account.AccountView;
import org.bankapi.account.OpenAccountRequest;
import org.bankapi.config.ProcessSettings;
import org.bankapi.ledger.AccountStatus;
import org.bankapi.ledger.TransactionStatus;
import org.bankapi.ledger.TransactionType;
import org.bankapi.observability.AnsweredProblem;
import org.bankapi.observability.Rehearsal;
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
 * Runs the read and write paths over loopback before {@code /health/ready} says UP, until they no longer
 * get faster, so that the first clients do not pay for class loading and interpreted code. Its writes are
 * {@link Rehearsal}s: booked in full and rolled back, so it never changes a row. docs/performance.md,
 * "Warm from the first second".
 */
@Component("warmup")
public class Warmup implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    static final String SUBJECT = "warmup";
    static final int PAGE_LIMIT = 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** A worker stops once this many rounds in a row took less than {@code bank.warmup.round-ms-target}. */
    static final int FAST_ROUNDS_ENOUGH = 50;
    /** Rounds per window of the plateau rule: a worker compares the median round time of each window. */
    static final int PLATEAU_WINDOW_ROUNDS = 20;
    /** A worker stops after this many windows in a row no faster than its best window ... */
    static final int PLATEAU_WINDOWS = 3;
    /** ... by at least this factor: the paths no longer get faster, the JIT compiled what they use. */
    static final double PLATEAU_GAIN_MIN = 0.95;
    /** The JIT has caught up when it compiled for at most this share of a window's wall time (all compiler threads). */
    static final double JIT_SHARE_QUIET = 0.25;

    private static final String REHEARSAL_DEPOSIT = "100.00";
    private static final String REHEARSAL_AMOUNT = "0.01";
    private static final BigDecimal REHEARSAL_DECIMAL = new BigDecimal(REHEARSAL_AMOUNT);

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
    /** Admits this process's own rehearsals (RehearsalFilter); random, never logged, never leaves the process. */
    private final byte[] rehearsalToken;
    /** The account opening every rehearsal round sends (its JSON never changes). */
    private final String rehearsedOpening;

    private volatile boolean started;
    private volatile boolean rehearsing;
    private final AtomicLong rehearsed = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();

    Warmup(TokenSettings tokenSettings, JsonMapper json, Clock clock, ProcessSettings process, WarmupSettings warmup) {
        this.tokenSettings = tokenSettings;
        this.json = json;
        this.clock = clock;
        this.serving = process.serves();
        this.msMax = Math.max(0, warmup.msMax());
        this.workers = Math.max(1, warmup.workers());
        this.roundNanosTarget = TimeUnit.MILLISECONDS.toNanos(Math.max(0, warmup.roundMsTarget()));
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.rehearsalToken =
                Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
        this.rehearsedOpening = json.writeValueAsString(Map.of(
                "owner_id", SUBJECT,
                "holder_name", "Warm Up",
                "email", "warm@example.com",
                "currency", "EUR",
                "initial_deposit", REHEARSAL_DEPOSIT));
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
                        "Warm-up done in {} ms ({} rounds, {} requests over loopback, {} of them writes booked and"
                                + " rolled back, {} failed rounds); /health/ready is UP",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                        rounds.get(),
                        requests.get(),
                        rehearsed.get(),
                        failures.get());
            }
        });
    }

    /**
     * Runs {@link #workers} loops of rounds (reads, rehearsed writes, in-process JSON) until each loop
     * stops getting faster ({@link #PLATEAU_WINDOWS} windows in a row no better than its best) with the
     * JIT caught up ({@link Progress}), its rounds are fast ({@link #FAST_ROUNDS_ENOUGH} in a row under
     * {@code round-ms-target}), {@code budget} has passed, or {@link #stop()}; whichever comes first.
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
        rehearsing = true;
        try {
            runLoops(http, base, tokens, budget);
        } finally {
            rehearsing = false;
        }
    }

    private void runLoops(HttpClient http, String base, Tokens tokens, Duration budget) {
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            loops.add(Thread.ofVirtual().name("warmup-" + i).start(() -> {
                Progress progress = new Progress(
                        roundNanosTarget, Warmup::jitMillis, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
                while (running() && !progress.enough()) {
                    long begin = System.nanoTime();
                    try {
                        round(http, base, tokens);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        log.debug("A warm-up round failed", e);
                    }
                    progress.record(System.nanoTime() - begin);
                    rounds.incrementAndGet();
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

    /**
     * One worker's round times and the JIT's work: the paths are warm once the rounds stop getting faster
     * and the JIT compilers have caught up (under {@link #JIT_SHARE_QUIET} of the window's wall time spent
     * compiling), or once the rounds are fast.
     */
    static final class Progress {
        private final long roundNanosTarget;
        private final LongSupplier jitMillis;
        private final LongSupplier wallMillis;
        private final long[] window = new long[PLATEAU_WINDOW_ROUNDS];
        private int inWindow;
        private int fastInARow;
        private long bestMedianNanos = Long.MAX_VALUE;
        private int flatWindows;
        private long windowJitMillis;
        private long windowWallMillis;
        private boolean jitQuiet;

        Progress(long roundNanosTarget, LongSupplier jitMillis, LongSupplier wallMillis) {
            this.roundNanosTarget = roundNanosTarget;
            this.jitMillis = jitMillis;
            this.wallMillis = wallMillis;
            this.windowJitMillis = jitMillis.getAsLong();
            this.windowWallMillis = wallMillis.getAsLong();
        }

        void record(long roundNanos) {
            fastInARow = roundNanos < roundNanosTarget ? fastInARow + 1 : 0;
            window[inWindow++] = roundNanos;
            if (inWindow < window.length) {
                return;
            }
            inWindow = 0;
            long[] sorted = window.clone();
            Arrays.sort(sorted);
            long median = sorted[sorted.length / 2];
            if (median < bestMedianNanos * PLATEAU_GAIN_MIN) {
                flatWindows = 0;
            } else {
                flatWindows++;
            }
            bestMedianNanos = Math.min(bestMedianNanos, median);
            long jit = jitMillis.getAsLong();
            long wall = wallMillis.getAsLong();
            jitQuiet = jit - windowJitMillis <= JIT_SHARE_QUIET * Math.max(1, wall - windowWallMillis);
            windowJitMillis = jit;
            windowWallMillis = wall;
        }

        boolean enough() {
            return fastInARow >= FAST_ROUNDS_ENOUGH || (flatWindows >= PLATEAU_WINDOWS && jitQuiet);
        }
    }

    /** Milliseconds the JIT compilers have spent since the JVM started (0 where the JVM does not say). */
    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
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

    /**
     * One pass over the read paths, the rehearsed write paths and the JSON they use. When the bank has
     * accounts: an account opening with its initial deposit, and a deposit, a withdrawal, a transfer and a
     * hold on the first {@link #rehearsalPair pair} of the first page (which they lock for a moment), all
     * rolled back.
     */
    private void round(HttpClient http, String base, Tokens tokens) {
        bodies();
        if (tokens.admin() == null) {
            // no token can be minted: the requests would be 401s, which are audited; JSON alone then
            return;
        }
        JsonNode page = get(http, base + "/accounts?limit=" + PAGE_LIMIT, tokens.admin());
        get(http, base + "/accounts?limit=" + PAGE_LIMIT, tokens.customer());
        get(http, base + "/transactions?limit=" + PAGE_LIMIT, tokens.admin());
        JsonNode items = page == null ? null : page.path("items");
        long first = idAt(items, 0);
        if (first > 0) {
            get(http, base + "/accounts/" + first, tokens.admin());
            get(http, base + "/transactions?account_id=" + first + "&limit=" + PAGE_LIMIT, tokens.admin());
            get(http, base + "/accounts/" + first + "/statement?limit=" + PAGE_LIMIT, tokens.admin());
        }
        Pair pair = rehearsalPair(items);
        if (pair == null) {
            // an empty bank has nothing to move money on: rehearsing only openings, or money requests that
            // are refused, would teach the JIT a mix unlike real traffic, which then deoptimises it (the
            // load test's money requests were measured slower after such a warm-up than after reads alone)
            return;
        }
        rehearse(http, base + "/accounts", tokens.admin(), rehearsedOpening);
        String currency = pair.currency();
        rehearse(http, base + "/transactions", tokens.admin(), money("deposit", pair.payer(), 0, currency));
        rehearse(http, base + "/transactions", tokens.admin(), money("withdrawal", pair.payer(), 0, currency));
        rehearse(http, base + "/transactions", tokens.admin(), money("transfer", pair.payer(), pair.payee(), currency));
        // a capture or void would meet a hold that no longer exists (its placing was rolled back): a refusal
        rehearse(http, base + "/holds", tokens.admin(), money("hold", pair.payer(), 0, currency));
    }

    private static long idAt(JsonNode items, int index) {
        return items == null ? 0 : items.path(index).path("id").asLong(0);
    }

    /** Two open accounts of one currency, the first able to pay the rehearsal amount: no rehearsal is refused. */
    record Pair(long payer, long payee, String currency) {}

    /** The first such pair on the page, or null. */
    static Pair rehearsalPair(JsonNode items) {
        if (items == null) {
            return null;
        }
        for (JsonNode from : items) {
            if (!isOpen(from) || available(from).compareTo(REHEARSAL_DECIMAL) < 0) {
                continue;
            }
            String currency = from.path("currency").asString("");
            for (JsonNode to : items) {
                if (isOpen(to)
                        && to.path("id").asLong() != from.path("id").asLong()
                        && to.path("currency").asString("").equals(currency)) {
                    return new Pair(from.path("id").asLong(), to.path("id").asLong(), currency);
                }
            }
        }
        return null;
    }

    private static BigDecimal available(JsonNode item) {
        try {
            return new BigDecimal(item.path("available_balance").asString("0"));
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }

    private static boolean isOpen(JsonNode item) {
        return item.path("id").asLong(0) > 0
                && AccountStatus.OPEN.wireName().equals(item.path("status").asString(""));
    }

    /** The body of a money request (a hold when {@code type} is "hold") of the rehearsal amount. */
    private String money(String type, long account, long target, String currency) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!"hold".equals(type)) {
            body.put("type", type);
        }
        body.put("account_id", account);
        if (target > 0) {
            body.put("target_account_id", target);
        }
        body.put("amount", REHEARSAL_AMOUNT);
        body.put("currency", currency);
        body.put("description", "warm-up rehearsal");
        return json.writeValueAsString(body);
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
        return send(http, request(url, token).GET());
    }

    /** A POST as a rehearsal (booked and rolled back), with a fresh Idempotency-Key as clients send one. */
    private JsonNode rehearse(HttpClient http, String url, String token, String body) {
        JsonNode booked = send(
                http,
                request(url, token)
                        .header(RehearsalFilter.HEADER, new String(rehearsalToken, StandardCharsets.US_ASCII))
                        .header("Idempotency-Key", "warmup-" + UUID.randomUUID())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (booked != null) {
            rehearsed.incrementAndGet();
        }
        return booked;
    }

    private HttpRequest.Builder request(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", "warmup-" + requests.incrementAndGet());
    }

    /** The body of a 2xx answer; null for any other answer, a failure, or once the warm-up is over. */
    private JsonNode send(HttpClient http, HttpRequest.Builder request) {
        if (!running()) {
            return null;
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? json.readTree(response.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** True for this process's rehearsal token while the warm-up's loops run; false for anything else, always after them. */
    boolean admitsRehearsal(String header) {
        if (!rehearsing || header == null) {
            return false;
        }
        return MessageDigest.isEqual(rehearsalToken, header.getBytes(StandardCharsets.US_ASCII));
    }

    /** True once the warm-up ran its time (or was off); waits up to {@code timeout}. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long requests() {
        return requests.get();
    }

    /** Rehearsed writes that were booked (2xx) and rolled back. */
    long rehearsed() {
        return rehearsed.get();
    }

    /** Part of the {@code ready} group: OUT_OF_SERVICE (503) while the warm-up runs. */
    @Override
    public Health health() {
        return finished.getCount() == 0
                ? Health.up().build()
                : Health.outOfService().withDetail("warmup", "running").build();
    }
}
