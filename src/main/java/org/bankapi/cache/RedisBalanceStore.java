package org.bankapi.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Balances in Redis, shared by every instance: key {@code balance:{accountId}}, value
 * {@code version:balanceMinor}, with a time to live. Writes go through a Lua script that replaces an
 * entry only by a newer version, atomically, so a late writer holding an old figure cannot win.
 * Commands time out quickly and a lost connection is re-established in the background.
 */
final class RedisBalanceStore implements BalanceStore {

    static final String KEY_PREFIX = "balance:";

    /** KEYS: balance keys; ARGV[1]: ttl in ms, then version and balance per key. */
    private static final RedisScript<Long> PUT_IF_NEWER = RedisScript.of("""
            local stored = 0
            for i, key in ipairs(KEYS) do
              local version = tonumber(ARGV[2 * i])
              local current = redis.call('GET', key)
              local currentVersion = current and tonumber(string.match(current, '^(%d+):'))
              if not currentVersion or currentVersion < version then
                redis.call('SET', key, ARGV[2 * i] .. ':' .. ARGV[2 * i + 1], 'PX', ARGV[1])
                stored = stored + 1
              end
            end
            return stored""", Long.class);

    private final LettuceConnectionFactory factory;
    private final ClientResources resources;
    private final StringRedisTemplate redis;
    private final Duration ttl;

    private RedisBalanceStore(LettuceConnectionFactory factory, ClientResources resources, Duration ttl) {
        this.factory = factory;
        this.resources = resources;
        this.redis = new StringRedisTemplate(factory);
        this.ttl = ttl;
    }

    /** A store for {@code redis://[user:password@]host:port[/db]} (or rediss://); connects on first use. */
    static RedisBalanceStore connect(URI url, Duration commandTimeout, Duration connectTimeout, Duration ttl) {
        RedisStandaloneConfiguration server =
                new RedisStandaloneConfiguration(url.getHost(), url.getPort() > 0 ? url.getPort() : 6379);
        if (url.getRawUserInfo() != null) {
            String[] user = url.getRawUserInfo().split(":", 2);
            if (user.length == 2) {
                if (!user[0].isEmpty()) {
                    server.setUsername(URLDecoder.decode(user[0], StandardCharsets.UTF_8));
                }
                server.setPassword(RedisPassword.of(URLDecoder.decode(user[1], StandardCharsets.UTF_8)));
            } else {
                server.setPassword(RedisPassword.of(URLDecoder.decode(user[0], StandardCharsets.UTF_8)));
            }
        }
        String path = url.getPath() == null ? "" : url.getPath().replace("/", "");
        if (!path.isEmpty()) {
            server.setDatabase(Integer.parseInt(path));
        }
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        ClientOptions options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(connectTimeout)
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build();
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder();
        if ("rediss".equalsIgnoreCase(url.getScheme())) {
            client.useSsl();
        }
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                server,
                client.clientResources(resources)
                        .clientOptions(options)
                        .commandTimeout(commandTimeout)
                        .shutdownTimeout(Duration.ZERO)
                        .clientName("banking-transaction-api")
                        .build());
        factory.afterPropertiesSet();
        factory.start();
        return new RedisBalanceStore(factory, resources, ttl);
    }

    @Override
    public Map<Long, CachedBalance> get(List<Long> accountIds) {
        List<String> values = redis.opsForValue()
                .multiGet(accountIds.stream().map(RedisBalanceStore::key).toList());
        if (values == null || values.size() != accountIds.size()) {
            throw new IllegalStateException("MGET answered " + (values == null ? "nothing" : values.size() + " values")
                    + " for " + accountIds.size() + " keys");
        }
        Map<Long, CachedBalance> found = new LinkedHashMap<>();
        for (int i = 0; i < accountIds.size(); i++) {
            String value = values.get(i);
            if (value != null) {
                found.put(accountIds.get(i), parse(accountIds.get(i), value));
            }
        }
        return found;
    }

    @Override
    public void putIfNewer(Collection<CachedBalance> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttl.toMillis()));
        for (CachedBalance entry : entries) {
            keys.add(key(entry.accountId()));
            args.add(Long.toString(entry.version()));
            args.add(Long.toString(entry.balanceMinor()));
        }
        redis.execute(PUT_IF_NEWER, keys, args.toArray());
    }

    static String key(long accountId) {
        return KEY_PREFIX + accountId;
    }

    private static CachedBalance parse(long accountId, String value) {
        int colon = value.indexOf(':');
        if (colon < 1) {
            throw new IllegalStateException("malformed cache entry for account " + accountId);
        }
        return new CachedBalance(
                accountId, Long.parseLong(value.substring(colon + 1)), Long.parseLong(value.substring(0, colon)));
    }

    @Override
    public void close() {
        factory.destroy();
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
}
