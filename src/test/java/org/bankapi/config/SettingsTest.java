package org.bankapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    private static Settings settings(Map<String, String> env) {
        return Settings.from(env::get);
    }

    @Test
    void usesTheContractsDefaultsWhenNothingIsSet() {
        Settings s = settings(Map.of());
        assertThat(s.port()).isEqualTo(8000);
        assertThat(s.kafkaTopic()).isEqualTo("transactions");
        assertThat(s.fraudThreshold()).isEqualByComparingTo(new BigDecimal("10000"));
        assertThat(s.fraudVelocityMax()).isEqualTo(10);
        assertThat(s.fraudVelocityWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.consumerEnabled()).isTrue();
        assertThat(s.rateLimitPerSecond()).isEqualTo(200);
        assertThat(s.database()).isNull();
        assertThat(s.hmacTokensEnabled()).isFalse();
        assertThat(s.azureAdEnabled()).isFalse();
        assertThat(s.keyVaultKeyName()).isEqualTo("bank-kek");
    }

    @Test
    void readsTheSeedsDatabaseUrlForm() {
        DatabaseUrl url = settings(Map.of("DATABASE_URL", "postgresql://user:p%40ss@db.example:6543/banking_db"))
                .database();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/banking_db");
        assertThat(url.username()).isEqualTo("user");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.toString()).doesNotContain("p@ss");
        assertThat(settings(Map.of("DATABASE_URL", "jdbc:postgresql://h/db"))
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
    void readsTheKafkaClusterSettings() {
        Settings defaults = settings(Map.of());
        assertThat(defaults.kafkaReplicationFactor()).isEqualTo(1);
        assertThat(defaults.kafkaMinInsyncReplicas()).isEqualTo(1);
        Settings cluster = settings(Map.of("KAFKA_REPLICATION_FACTOR", "3", "KAFKA_MIN_INSYNC_REPLICAS", "2"));
        assertThat(cluster.kafkaReplicationFactor()).isEqualTo(3);
        assertThat(cluster.kafkaMinInsyncReplicas()).isEqualTo(2);
        assertThatThrownBy(() -> settings(Map.of("KAFKA_REPLICATION_FACTOR", "2", "KAFKA_MIN_INSYNC_REPLICAS", "3")))
                .hasMessage("KAFKA_MIN_INSYNC_REPLICAS: must not exceed KAFKA_REPLICATION_FACTOR (3 > 2)");
    }

    @Test
    void readsDurationsInTheUsualForms() {
        assertThat(settings(Map.of("FRAUD_VELOCITY_WINDOW", "5m")).fraudVelocityWindow())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(settings(Map.of("FRAUD_VELOCITY_WINDOW", "90")).fraudVelocityWindow())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(settings(Map.of("FRAUD_VELOCITY_WINDOW", "PT2M")).fraudVelocityWindow())
                .isEqualTo(Duration.ofMinutes(2));
    }
}
