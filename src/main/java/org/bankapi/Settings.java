package org.bankapi;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;
import org.bankapi.audit.AuditSettings;
import org.bankapi.cache.CacheSettings;
import org.bankapi.config.ConfigurationException;
import org.bankapi.config.DatabaseUrl;
import org.bankapi.config.Durations;
import org.bankapi.config.ProcessSettings;
import org.bankapi.config.Subcommand;
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

/**
 * Every environment variable and {@code bank.*} property the service reads (README, "Configuration"),
 * parsed and checked in one place before anything starts, so that bad configuration stops the start
 * with one line naming the variable; each feature then gets its own record of them as a bean
 * ({@link SettingsConfig}).
 */
public record Settings(
        ProcessSettings process,
        TokenSettings tokens,
        SentinelSettings sentinel,
        LogstashSettings logstash,
        KafkaSettings kafka,
        CacheSettings cache,
        RateLimitSettings rateLimit,
        CryptoSettings crypto,
        FraudRules fraud,
        PostingSettings posting,
        WarmupSettings warmup,
        AuditSettings audit,
        HoldSettings holds) {

    public static final int JWT_SECRET_BYTES_MIN = 32;
    public static final int KAFKA_REPLICATION_FACTOR_MAX = 32;

    public static Settings from(Function<String, String> env) {
        Reader r = new Reader(env);
        TokenSettings tokens = tokens(r);
        SentinelSettings sentinel = sentinel(r);
        LogstashSettings logstash = logstash(r);
        KafkaSettings kafka = kafka(r);
        ProcessSettings process = process(r);
        URI redis = r.uri("REDIS_URL", "redis", "rediss");
        return new Settings(
                process,
                tokens,
                sentinel,
                logstash,
                kafka,
                cache(r, redis),
                new RateLimitSettings(r.integer("RATE_LIMIT_PER_SECOND", 200, 0, 1_000_000), redis),
                crypto(r, process),
                new FraudRules(
                        r.positiveDecimal("FRAUD_THRESHOLD", new BigDecimal("10000")),
                        r.integer("FRAUD_VELOCITY_MAX", 10, 1, 1_000_000),
                        r.duration("FRAUD_VELOCITY_WINDOW", Duration.ofSeconds(60))),
                new PostingSettings(
                        r.integer("bank.posting.batch-size-max", 256, 1, Integer.MAX_VALUE),
                        r.integer("bank.posting.queue-size-max", 4096, 1, Integer.MAX_VALUE),
                        r.integer("bank.posting.writers", 2, 1, 64)),
                new WarmupSettings(
                        r.longInteger("bank.warmup.ms-max", 10_000),
                        r.integer("bank.warmup.workers", 2, Integer.MIN_VALUE, Integer.MAX_VALUE),
                        r.longInteger("bank.warmup.round-ms-target", 5)),
                new AuditSettings(r.springDuration("bank.audit.seal-interval-ms", Duration.ofMillis(250))),
                new HoldSettings(r.springDuration("bank.holds.sweep-interval", Duration.ofSeconds(1))));
    }

    private static TokenSettings tokens(Reader r) {
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
        return new TokenSettings(
                jwt == null ? null : jwt.getBytes(StandardCharsets.UTF_8),
                tenant,
                client,
                issuer,
                r.bool("bank.local-start", false));
    }

    private static SentinelSettings sentinel(Reader r) {
        String token = r.text("SENTINEL_TOKEN");
        URI endpoint = r.uri("SENTINEL_ENDPOINT", "http", "https");
        if (endpoint != null && token == null) {
            throw new ConfigurationException("SENTINEL_TOKEN", "is required when SENTINEL_ENDPOINT is set");
        }
        return new SentinelSettings(endpoint, token);
    }

    private static LogstashSettings logstash(Reader r) {
        String host = r.text("LOGSTASH_HOST");
        Integer port = r.text("LOGSTASH_PORT") == null ? null : r.integer("LOGSTASH_PORT", 0, 1, 65535);
        if ((host == null) != (port == null)) {
            throw new ConfigurationException(
                    host == null ? "LOGSTASH_HOST" : "LOGSTASH_PORT", "LOGSTASH_HOST and LOGSTASH_PORT go together");
        }
        return new LogstashSettings(host, port);
    }

    private static KafkaSettings kafka(Reader r) {
        int replicationFactor = r.integer("KAFKA_REPLICATION_FACTOR", 1, 1, KAFKA_REPLICATION_FACTOR_MAX);
        int minInsyncReplicas = r.integer("KAFKA_MIN_INSYNC_REPLICAS", 1, 1, KAFKA_REPLICATION_FACTOR_MAX);
        if (minInsyncReplicas > replicationFactor) {
            throw new ConfigurationException(
                    "KAFKA_MIN_INSYNC_REPLICAS",
                    "must not exceed KAFKA_REPLICATION_FACTOR (" + minInsyncReplicas + " > " + replicationFactor + ")");
        }
        return new KafkaSettings(
                r.bootstrapServers("KAFKA_BOOTSTRAP_SERVERS"),
                r.topic("KAFKA_TOPIC", "transactions"),
                replicationFactor,
                minInsyncReplicas,
                r.bool("CONSUMER_ENABLED", true));
    }

    private static ProcessSettings process(Reader r) {
        String command = r.text("bank.command");
        String database = r.text("DATABASE_URL");
        String dataDir = r.text("BANK_DATA_DIR");
        return new ProcessSettings(
                command == null
                        ? Subcommand.SERVE
                        : Subcommand.named(command)
                                .orElseThrow(() -> new ConfigurationException("bank.command", "is not a subcommand")),
                r.integer("PORT", 8000, 0, 65535),
                database == null ? null : DatabaseUrl.parse(database),
                Path.of(dataDir == null ? "data" : dataDir).toAbsolutePath());
    }

    private static CacheSettings cache(Reader r, URI redis) {
        return new CacheSettings(
                redis,
                r.springDuration("bank.cache.ttl", Duration.ofMinutes(5)),
                r.springDuration("bank.cache.redis-timeout", Duration.ofMillis(200)),
                r.springDuration("bank.cache.redis-connect-timeout", Duration.ofSeconds(1)),
                r.integer("bank.cache.local-entries-max", 100_000, Integer.MIN_VALUE, Integer.MAX_VALUE),
                r.springDuration("bank.cache.break", Duration.ofSeconds(2)));
    }

    /** The data-key pool pre-wraps only in {@code serve}: {@code consume} and {@code rotate-keys} open no accounts. */
    private static CryptoSettings crypto(Reader r, ProcessSettings process) {
        URI vault = r.uri("KEY_VAULT_URL", "https", "http");
        String keyName = r.keyName("KEY_VAULT_KEY_NAME", CryptoSettings.KEY_VAULT_KEY_NAME_DEFAULT);
        int poolSizeMax = r.integer("bank.crypto.data-key-pool-size-max", 64, 0, Integer.MAX_VALUE);
        return new CryptoSettings(
                vault, keyName, process.dataDir().resolve("keys"), process.serves() ? poolSizeMax : 0);
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

        long longInteger(String name, long fallback) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            try {
                return Long.parseLong(value);
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
            return duration(name, fallback, ChronoUnit.SECONDS, "60s, 5m or PT1M");
        }

        /** A {@code bank.*} duration in Spring's forms (200ms, 5m, PT5M; a bare number is milliseconds). */
        Duration springDuration(String name, Duration fallback) {
            return duration(name, fallback, ChronoUnit.MILLIS, "200ms, 5m or PT5M");
        }

        private Duration duration(String name, Duration fallback, ChronoUnit bareUnit, String examples) {
            String value = text(name);
            if (value == null) {
                return fallback;
            }
            Duration parsed = Durations.parse(value, bareUnit)
                    .orElseThrow(() -> new ConfigurationException(
                            name, "must be a duration such as " + examples + ", not '" + value + "'"));
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
            } catch (URISyntaxException e) {
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
