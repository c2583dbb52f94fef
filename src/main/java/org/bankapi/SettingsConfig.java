package org.bankapi;

import org.bankapi.audit.AuditSettings;
import org.bankapi.cache.CacheSettings;
import org.bankapi.config.ProcessSettings;
import org.bankapi.crypto.CryptoSettings;
import org.bankapi.event.KafkaSettings;
import org.bankapi.fraud.FraudRules;
import org.bankapi.hold.HoldSettings;
import org.bankapi.ledger.PostingSettings;
import org.bankapi.observability.LogstashSettings;
import org.bankapi.ratelimit.RateLimitSettings;
import org.bankapi.security.TokenSettings;
import org.bankapi.sentinel.SentinelSettings;
import org.bankapi.warmup.WarmupSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Each feature's settings as a bean of its own, from one parse of the environment: a feature sees
 * its own record, never the others'. The parse fails the start with the one line of its
 * {@link org.bankapi.config.ConfigurationException}.
 */
@Configuration(proxyBeanMethods = false)
class SettingsConfig {

    private final Settings settings;

    SettingsConfig(Environment environment) {
        this.settings = Settings.from(environment::getProperty);
    }

    @Bean
    ProcessSettings processSettings() {
        return settings.process();
    }

    @Bean
    TokenSettings tokenSettings() {
        return settings.tokens();
    }

    @Bean
    SentinelSettings sentinelSettings() {
        return settings.sentinel();
    }

    @Bean
    LogstashSettings logstashSettings() {
        return settings.logstash();
    }

    @Bean
    KafkaSettings kafkaSettings() {
        return settings.kafka();
    }

    @Bean
    CacheSettings cacheSettings() {
        return settings.cache();
    }

    @Bean
    RateLimitSettings rateLimitSettings() {
        return settings.rateLimit();
    }

    @Bean
    CryptoSettings cryptoSettings() {
        return settings.crypto();
    }

    @Bean
    FraudRules fraudRules() {
        return settings.fraud();
    }

    @Bean
    PostingSettings postingSettings() {
        return settings.posting();
    }

    @Bean
    WarmupSettings warmupSettings() {
        return settings.warmup();
    }

    /** Read by name in {@code AuditSealer}'s {@code @Scheduled}. */
    @Bean
    AuditSettings auditSettings() {
        return settings.audit();
    }

    /** Read by name in {@code HoldSweeper}'s {@code @Scheduled}. */
    @Bean
    HoldSettings holdSettings() {
        return settings.holds();
    }
}
