package org.bankapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.bankapi.config.ConfigurationException;
import org.bankapi.config.DatabaseUrl;
import org.bankapi.ledger.PostingSettings;
import org.bankapi.warmup.WarmupSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    private static Settings settings(Map<String, String> env) {
        return Settings.from(env::get);
    }

    @Test
    void usesTheDocumentedDefaultsWhenNothingIsSet() {
        Settings s = settings(Map.of());
        assertThat(s.process().port()).isEqualTo(8000);
        assertThat(s.kafka().topic()).isEqualTo("transactions");
        assertThat(s.fraud().amountThreshold()).isEqualByComparingTo(new BigDecimal("10000"));
        assertThat(s.fraud().velocityMax()).isEqualTo(10);
        assertThat(s.fraud().velocityWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.kafka().consumerEnabled()).isTrue();
        assertThat(s.rateLimit().perSecond()).isEqualTo(200);
        assertThat(s.process().database()).isNull();
        assertThat(s.tokens().hmacTokensEnabled()).isFalse();
        assertThat(s.tokens().azureAdEnabled()).isFalse();
        assertThat(s.crypto().keyVaultKeyName()).isEqualTo("bank-kek");
    }

    @Test
    void readsTheOriginalDesignsDatabaseUrlForm() {
        DatabaseUrl url = settings(Map.of("DATABASE_URL", "postgresql://user:p%40ss@db.example:6543/banking_db"))
                .process()
                .database();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/banking_db");
        assertThat(url.username()).isEqualTo("user");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.toString()).doesNotContain("p@ss");
        assertThat(settings(Map.of("DATABASE_URL", "jdbc:postgresql://h/db"))
                        .process()
                        .database()
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/db");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DATABASE_URL|mysql://h/db",
                "DATABASE_URL|postgresql://hostonly",
                "PORT|eighty",
                "PORT|70000",
                "REDIS_URL|http://h:6379",
                "KAFKA_BOOTSTRAP_SERVERS|just-a-host",
                "KAFKA_TOPIC|bad topic",
                "KAFKA_REPLICATION_FACTOR|0",
                "KAFKA_REPLICATION_FACTOR|three",
                "KAFKA_MIN_INSYNC_REPLICAS|2",
                "JWT_SECRET_KEY|too-short",
                "FRAUD_THRESHOLD|-1",
                "FRAUD_VELOCITY_WINDOW|forever",
                "CONSUMER_ENABLED|maybe",
                "RATE_LIMIT_PER_SECOND|-3",
                "LOGSTASH_PORT|5000",
                "KEY_VAULT_URL|not a url",
                "KEY_VAULT_KEY_NAME|no/slashes",
                "AZURE_AD_TENANT_ID|contoso.onmicrosoft.com"
            })
    void badConfigurationNamesTheVariableInOneLine(String variable, String value) {
        Map<String, String> env = new HashMap<>();
        env.put(variable, value);
        assertThatThrownBy(() -> settings(env))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    assertThat(e.getMessage()).containsAnyOf(variable, "AZURE_AD_CLIENT_ID", "LOGSTASH_HOST");
                });
    }

    @Test
    void givesEachFeatureItsPropertiesDefaultsWhenNothingIsSet() {
        Settings s = settings(Map.of());
        assertThat(s.process().command().wireName()).isEqualTo("serve");
        assertThat(s.posting()).isEqualTo(new PostingSettings(256, 4096, 2));
        assertThat(s.cache().ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.cache().redisTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.cache().breakDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.crypto().dataKeyPoolSizeMax()).isEqualTo(64);
        assertThat(s.warmup()).isEqualTo(new WarmupSettings(10_000, 2, 5));
        assertThat(s.audit().sealInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.holds().sweepInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void readsPropertyDurationsAsSpringDoesWithMillisecondsForABareNumber() {
        assertThat(settings(Map.of("bank.audit.seal-interval-ms", "100"))
                        .audit()
                        .sealInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(settings(Map.of("bank.holds.sweep-interval", "PT1H")).holds().sweepInterval())
                .isEqualTo(Duration.ofHours(1));
        assertThat(settings(Map.of("bank.cache.ttl", "30s")).cache().ttl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void onlyTheServingProcessWrapsDataKeysAhead() {
        assertThat(settings(Map.of("bank.command", "consume")).crypto().dataKeyPoolSizeMax())
                .isZero();
        assertThat(settings(Map.of("bank.command", "rotate-keys")).crypto().dataKeyPoolSizeMax())
                .isZero();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bank.posting.batch-size-max|0",
                "bank.posting.queue-size-max|many",
                "bank.posting.writers|0",
                "bank.posting.writers|65",
                "bank.cache.ttl|soon",
                "bank.cache.local-entries-max|lots",
                "bank.crypto.data-key-pool-size-max|-1",
                "bank.warmup.ms-max|long",
                "bank.audit.seal-interval-ms|often",
                "bank.holds.sweep-interval|5 minutes",
                "bank.holds.sweep-interval|PT0S",
                "bank.cache.redis-timeout|PT-1S",
                "bank.audit.seal-interval-ms|0"
            })
    void aBadPropertyNamesItselfInOneLine(String property, String value) {
        assertThatThrownBy(() -> settings(Map.of(property, value)))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e ->
                        assertThat(e.getMessage()).startsWith(property + ": ").doesNotContain("\n"));
    }

    @Test
    void theSecretsStayOutOfTheSettingsText() {
        String secret = "a-secret-of-at-least-thirty-two-bytes-0123";
        Settings s = settings(Map.of(
                "JWT_SECRET_KEY",
                secret,
                "SENTINEL_ENDPOINT",
                "https://sentinel.example/log",
                "SENTINEL_TOKEN",
                "sentinel-token-value",
                "DATABASE_URL",
                "postgresql://bank:db-password@db.example:5432/bank"));
        assertThat(s.toString())
                .contains("sentinel.example")
                .doesNotContain(secret)
                .doesNotContain("sentinel-token-value")
                .doesNotContain("db-password");
    }

    @Test
    void readsTheKafkaClusterSettings() {
        Settings defaults = settings(Map.of());
        assertThat(defaults.kafka().replicationFactor()).isEqualTo(1);
        assertThat(defaults.kafka().minInsyncReplicas()).isEqualTo(1);
        Settings cluster = settings(Map.of("KAFKA_REPLICATION_FACTOR", "3", "KAFKA_MIN_INSYNC_REPLICAS", "2"));
        assertThat(cluster.kafka().replicationFactor()).isEqualTo(3);
        assertThat(cluster.kafka().minInsyncReplicas()).isEqualTo(2);
        assertThatThrownBy(() -> settings(Map.of("KAFKA_REPLICATION_FACTOR", "2", "KAFKA_MIN_INSYNC_REPLICAS", "3")))
                .hasMessage("KAFKA_MIN_INSYNC_REPLICAS: must not exceed KAFKA_REPLICATION_FACTOR (3 > 2)");
    }

    @Test
    void readsDurationsInTheUsualForms() {
        assertThat(settings(Map.of("FRAUD_VELOCITY_WINDOW", "5m")).fraud().velocityWindow())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(settings(Map.of("FRAUD_VELOCITY_WINDOW", "90")).fraud().velocityWindow())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(settings(Map.of("FRAUD_VELOCITY_WINDOW", "PT2M")).fraud().velocityWindow())
                .isEqualTo(Duration.ofMinutes(2));
    }
}
