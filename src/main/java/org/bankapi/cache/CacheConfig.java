package org.bankapi.cache;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Redis when REDIS_URL is set (Boot's own Redis auto-configuration is excluded, so nothing else
 * ever connects to a default localhost:6379), otherwise a bounded in-process cache.
 */
@Configuration
class CacheConfig {

    private static final Logger log = LoggerFactory.getLogger(CacheConfig.class);

    @Bean(destroyMethod = "close")
    BalanceStore balanceStore(CacheSettings cache) {
        if (cache.redisUrl() == null) {
            log.info("No REDIS_URL: balances are cached in this process");
            return new LocalBalanceStore(cache.ttl(), cache.localEntriesMax(), System::nanoTime);
        }
        log.info(
                "Balances are cached in Redis at {}:{}",
                cache.redisUrl().getHost(),
                cache.redisUrl().getPort());
        return RedisBalanceStore.connect(
                cache.redisUrl(), cache.redisTimeout(), cache.redisConnectTimeout(), cache.ttl());
    }

    @Bean
    BalanceCache balanceCache(BalanceStore store, MeterRegistry registry, CacheSettings cache) {
        return new BalanceCache(store, cache.breakDuration(), registry);
    }

    @Bean
    BalanceRefresher balanceRefresher(BalanceCache cache) {
        return new BalanceRefresher(cache);
    }

    /** Opens the Redis connection in the background once the service is up, so no request pays for it. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> balanceCacheWarmUp(BalanceCache cache) {
        return event -> Thread.ofVirtual().name("balance-cache-warm-up").start(cache::warmUp);
    }
}
