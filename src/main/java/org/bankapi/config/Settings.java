package org.bankapi.config;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/**
 * Every environment variable of the contract, parsed and checked in one place before anything
 * starts, so that bad configuration stops the start with one line naming the variable.
 */
public record Settings(
        int port,
        DatabaseUrl database,
        URI redisUrl,
        String kafkaBootstrapServers,
        String kafkaTopic,
        int kafkaReplicationFactor,
        int kafkaMinInsyncReplicas,
        byte[] jwtSecret,
        String azureTenantId,
        String azureClientId,
        String azureIssuerUri,
        URI keyVaultUrl,
        URI sentinelEndpoint,
        String sentinelToken,
        BigDecimal fraudThreshold,
        int fraudVelocityMax,
        Duration fraudVelocityWindow,
        boolean consumerEnabled,
        int rateLimitPerSecond,
        String logstashHost,
        Integer logstashPort,
        Path dataDir,
        String keyVaultKeyName) {

    public static final int JWT_SECRET_BYTES_MIN = 32;
    public static final String KEY_VAULT_KEY_NAME_DEFAULT = "bank-kek";
    public static final int KAFKA_REPLICATION_FACTOR_MAX = 32;

    public static Settings from(Function<String, String> env) {
        Reader r = new Reader(env);
        String jwt = r.text("JWT_SECRET_KEY");
        if (jwt != null && jwt.getBytes(StandardCharsets.UTF_8).length < JWT_SECRET_BYTES_MIN) {
            throw new ConfigurationException(
                    "JWT_SECRET_KEY", "must be at least " + JWT_SECRET_BYTES_MIN + " bytes long");
        }
        String tenant = r.text("AZURE_AD_TENANT_ID");
        String client = r.text("AZURE_AD_CLIENT_ID");
        String issuer = r.text("AZURE_AD_ISSUER_URI");
        if (issuer != null) {
            r.uri("AZURE_AD_ISSUER_URI", "http", "https");
        }
        if (tenant != null && !tenant.matches("[A-Za-z0-9.-]{1,100}")) {
            throw new ConfigurationException("AZURE_AD_TENANT_ID", "must be a tenant id (a GUID) or domain");
        }
        if ((tenant != null || issuer != null) && client == null) {
            throw new ConfigurationException(
                    "AZURE_AD_CLIENT_ID", "is required when AZURE_AD_TENANT_ID or AZURE_AD_ISSUER_URI is set");
        }
        String sentinelToken = r.text("SENTINEL_TOKEN");
        URI sentinel = r.uri("SENTINEL_ENDPOINT", "http", "https");
        if (sentinel != null && sentinelToken == null) {
            throw new ConfigurationException("SENTINEL_TOKEN", "is required when SENTINEL_ENDPOINT is set");
        }
        String logstashHost = r.text("LOGSTASH_HOST");
        Integer logstashPort = r.text("LOGSTASH_PORT") == null ? null : r.integer("LOGSTASH_PORT", 0, 1, 65535);
        if ((logstashHost == null) != (logstashPort == null)) {
            throw new ConfigurationException(
                    logstashHost == null ? "LOGSTASH_HOST" : "LOGSTASH_PORT",
                    "LOGSTASH_HOST and LOGSTASH_PORT go together");
        }
        String database = r.text("DATABASE_URL");
        int replicationFactor = r.integer("KAFKA_REPLICATION_FACTOR", 1, 1, KAFKA_REPLICATION_FACTOR_MAX);
        int minInsyncReplicas = r.integer("KAFKA_MIN_INSYNC_REPLICAS", 1, 1, KAFKA_REPLICATION_FACTOR_MAX);
        if (minInsyncReplicas > replicationFactor) {
            throw new ConfigurationException(
                    "KAFKA_MIN_INSYNC_REPLICAS",
                    "must not exceed KAFKA_REPLICATION_FACTOR (" + minInsyncReplicas + " > " + replicationFactor + ")");
        }
        return new Settings(
                r.integer("PORT", 8000, 0, 65535),
                database == null ? null : DatabaseUrl.parse(database),
                r.uri("REDIS_URL", "redis", "rediss"),
                r.bootstrapServers("KAFKA_BOOTSTRAP_SERVERS"),
                r.topic("KAFKA_TOPIC", "transactions"),
                replicationFactor,
                minInsyncReplicas,
                jwt == null ? null : jwt.getBytes(StandardCharsets.UTF_8),
                tenant,
                client,
                issuer,
                r.uri("KEY_VAULT_URL", "https", "http"),
                sentinel,
                sentinelToken,
                r.positiveDecimal("FRAUD_THRESHOLD", new BigDecimal("10000")),
                r.integer("FRAUD_VELOCITY_MAX", 10, 1, 1_000_000),
                r.duration("FRAUD_VELOCITY_WINDOW", Duration.ofSeconds(60)),
                r.bool("CONSUMER_ENABLED", true),
                r.integer("RATE_LIMIT_PER_SECOND", 200, 0, 1_000_000),
                logstashHost,
                logstashPort,
                Path.of(r.text("BANK_DATA_DIR") == null ? "data" : r.text("BANK_DATA_DIR"))
                        .toAbsolutePath(),
                r.keyName("KEY_VAULT_KEY_NAME", KEY_VAULT_KEY_NAME_DEFAULT));
    }

    public boolean hmacTokensEnabled() {
        return jwtSecret != null;
    }

    public boolean azureAdEnabled() {
        return azureTenantId != null || azureIssuerUri != null;
    }

    @Override
    public String toString() {
        return "Settings[port=" + port + ", database=" + database + ", kafka=" + kafkaBootstrapServers + ", topic="
                + kafkaTopic
                + ", redis=" + (redisUrl != null) + ", azureAd=" + azureAdEnabled() + ", hmacTokens="
                + hmacTokensEnabled()
                + ", keyVault=" + keyVaultUrl + ", dataDir=" + dataDir + "]";
    }

    private record Reader(Function<String, String> env) {

        String text(String name) {
            String value = env.apply(name);
            return value == null || value.isBlank() ? null : value.trim();
        }

        int integer(String name, int fallback, int min, int max) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new ConfigurationException(name, "must be between " + min + " and " + max + ", not " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigurationException(name, "must be a whole number, not '" + value + "'");
            }
        }

        boolean bool(String name, boolean fallback) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new ConfigurationException(name, "must be true or false, not '" + value + "'");
            };
        }

        BigDecimal positiveDecimal(String name, BigDecimal fallback) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            try {
                BigDecimal parsed = new BigDecimal(value);
                if (parsed.signum() <= 0) {
                    throw new ConfigurationException(name, "must be greater than zero");
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigurationException(name, "must be a decimal number, not '" + value + "'");
            }
        }

        Duration duration(String name, Duration fallback) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            Duration parsed;
            try {
                if (value.matches("\\d+")) {
                    parsed = Duration.ofSeconds(Long.parseLong(value));
                } else if (value.matches("\\d+(ms|s|m|h)")) {
                    long amount = Long.parseLong(value.replaceAll("\\D", ""));
                    String unit = value.replaceAll("\\d", "");
                    parsed = switch (unit) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    };
                } else {
                    parsed = Duration.parse(value);
                }
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new ConfigurationException(
                        name, "must be a duration such as 60s, 5m or PT1M, not '" + value + "'");
            }
            if (parsed.isZero() || parsed.isNegative()) {
                throw new ConfigurationException(name, "must be longer than zero");
            }
            return parsed;
        }

        URI uri(String name, String... schemes) {
            String value = text(name);
            if (value == null) {
                return null;
            }
            try {
                URI uri = new URI(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new ConfigurationException(name, "must be an absolute URL with a host, not '" + value + "'");
                }
                for (String scheme : schemes) {
                    if (scheme.equalsIgnoreCase(uri.getScheme())) {
                        return uri;
                    }
                }
                throw new ConfigurationException(name, "must use " + String.join(" or ", schemes) + "://");
            } catch (java.net.URISyntaxException e) {
                throw new ConfigurationException(name, "is not a valid URL (" + e.getReason() + ")");
            }
        }

        String bootstrapServers(String name) {
            String value = text(name);
            if (value == null) {
                return null;
            }
            for (String server : value.split(",")) {
                if (!server.trim().matches("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}")) {
                    throw new ConfigurationException(name, "must be host:port[,host:port], not '" + value + "'");
                }
            }
            return value;
        }

        String keyName(String name, String fallback) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            if (!value.matches("[A-Za-z0-9-]{1,127}")) {
                throw new ConfigurationException(
                        name, "must be a Key Vault key name (letters, digits and dashes, at most 127)");
            }
            return value;
        }

        String topic(String name, String fallback) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            if (!value.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new ConfigurationException(
                        name, "must be a Kafka topic name ([A-Za-z0-9._-], at most 249 characters)");
            }
            return value;
        }
    }
}
