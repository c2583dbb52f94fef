package org.bankapi.ratelimit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.bankapi.crypto.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets kept in Redis, so that every instance draws from one bucket per principal. One Lua
 * script refills and takes atomically, with Redis's clock. When Redis cannot answer within a short
 * timeout, the limit fails open to the in-process buckets (logged), and Redis is tried again shortly.
 */
public final class RedisTokenBuckets implements RateLimiter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final Duration RECONNECT_AFTER = Duration.ofSeconds(5);
    private static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(state[1])
            local ts = tonumber(state[2])
            if tokens == nil or ts == nil then
              tokens = capacity
              ts = now
            end
            tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000)
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) * 1000 / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
            return {allowed, wait}
            """;

    private final RedisClient client;
    private final int ratePerSecond;
    private final RateLimiter fallback;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long retryAtNanos;

    public RedisTokenBuckets(URI redisUrl, int ratePerSecond, RateLimiter fallback) {
        RedisURI uri = RedisURI.create(redisUrl.toString());
        uri.setTimeout(CONNECT_TIMEOUT);
        this.client = RedisClient.create(uri);
        this.client.setOptions(ClientOptions.builder()
                .socketOptions(
                        SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .build());
        this.ratePerSecond = ratePerSecond;
        this.fallback = fallback;
    }

    @Override
    public Decision acquire(String principal) {
        StatefulRedisConnection<String, String> redis = connection();
        if (redis == null) {
            return fallback.acquire(principal);
        }
        try {
            List<Long> result = redis.sync()
                    .eval(
                            SCRIPT,
                            ScriptOutputType.MULTI,
                            new String[] {key(principal)},
                            Integer.toString(ratePerSecond),
                            Integer.toString(2 * ratePerSecond));
            return result.get(0) == 1L ? Decision.ALLOWED : new Decision(false, result.get(1));
        } catch (RuntimeException e) {
            log.warn(
                    "Redis rate limit unavailable ({}); limiting in process until it answers",
                    e.getClass().getSimpleName());
            disconnect();
            return fallback.acquire(principal);
        }
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (connection == null && System.nanoTime() - retryAtNanos >= 0) {
                try {
                    StatefulRedisConnection<String, String> opened = client.connect();
                    opened.setTimeout(TIMEOUT);
                    connection = opened;
                } catch (RuntimeException e) {
                    retryAtNanos = System.nanoTime() + RECONNECT_AFTER.toNanos();
                    log.warn(
                            "Redis rate limit unreachable ({}); limiting in process for now",
                            e.getClass().getSimpleName());
                }
            }
            return connection;
        }
    }

    private synchronized void disconnect() {
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
        retryAtNanos = System.nanoTime() + RECONNECT_AFTER.toNanos();
    }

    /** The principal is hashed: Redis holds no subject in clear. */
    static String key(String principal) {
        byte[] digest = Sha256.of(principal.getBytes(StandardCharsets.UTF_8));
        return "bank:ratelimit:" + HexFormat.of().formatHex(digest, 0, 16);
    }

    @Override
    public void close() {
        disconnect();
        client.shutdown();
    }
}
