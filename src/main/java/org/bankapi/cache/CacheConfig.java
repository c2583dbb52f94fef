package org.bankapi.cache;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.bankapi.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
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
    BalanceStore balanceStore(
            Settings settings,
            @Value("${bank.cache.ttl:5m}") Duration ttl,
            @Value("${bank.cache.redis-timeout:200ms}") Duration timeout,
            @Value("${bank.cache.redis-connect-timeout:1s}") Duration connectTimeout,
            @Value("${bank.cache.local-entries-max:100000}") int localEntriesMax) {
        if (settings.redisUrl() == null) {
            log.info("No REDIS_URL: balances are cached in this process");
            return new LocalBalanceStore(ttl, localEntriesMax, System::nanoTime);
        }
        log.info(
                "Balances are cached in Redis at {}:{}",
                settings.redisUrl().getHost(),
                settings.redisUrl().getPort());
        return RedisBalanceStore.connect(settings.redisUrl(), timeout, connectTimeout, ttl);
    }

    @Bean
    BalanceCache balanceCache(
            BalanceStore store, MeterRegistry registry, @Value("${bank.cache.break:2s}") Duration breakDuration) {
        return new BalanceCache(store, breakDuration, registry);
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
