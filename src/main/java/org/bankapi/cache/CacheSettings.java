package org.bankapi.cache;

import java.net.URI;
import java.time.Duration;

/**
 * The balance cache: Redis at REDIS_URL (else in this process, at most {@code localEntriesMax}
 * entries), entries living {@code ttl}, Redis commands waiting at most {@code redisTimeout}, and a
 * break of {@code breakDuration} after a Redis error (the {@code bank.cache.*} properties).
 */
public record CacheSettings(
        URI redisUrl,
        Duration ttl,
        Duration redisTimeout,
        Duration redisConnectTimeout,
        int localEntriesMax,
        Duration breakDuration) {}
