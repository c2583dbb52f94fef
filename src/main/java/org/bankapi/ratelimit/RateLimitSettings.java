package org.bankapi.ratelimit;

import java.net.URI;

/** RATE_LIMIT_PER_SECOND money requests per principal (0: off), shared through REDIS_URL when it is set. */
public record RateLimitSettings(int perSecond, URI redisUrl) {}
