package org.bankapi;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.bankapi.audit.AuditEvent;
import org.bankapi.audit.AuditLog;
import org.bankapi.config.ConfigurationException;
import org.bankapi.config.DatabaseUrl;
import org.bankapi.config.Durations;
import org.bankapi.crypto.KeyRotation;
import org.bankapi.security.TokenIssuer;
import org.flywaydb.core.Flyway;
import org.springframework.context.ConfigurableApplicationContext;

/** The subcommands that need no running server: {@code token}, {@code init-db}, {@code rotate-keys}. */
final class Commands {

    private Commands() {}

    /** {@code token --sub alice --role admin|customer [--ttl 1h]}: prints an HS256 token signed with JWT_SECRET_KEY. */
    static int token(Settings settings, String[] args, PrintStream out) {
        if (!settings.tokens().hmacTokensEnabled()) {
            throw new ConfigurationException("JWT_SECRET_KEY", "is required to sign tokens (at least 32 bytes)");
        }
        String sub = null;
        String role = "customer";
        Duration ttl = Duration.ofHours(1);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--sub" -> sub = value;
                case "--role" -> role = value == null ? null : value.toLowerCase(Locale.ROOT);
                case "--ttl" -> ttl = parseTtl(value);
                default -> {
                    System.err.println("usage: token --sub SUBJECT [--role admin|customer] [--ttl 1h]");
                    return 64;
                }
            }
            i++;
        }
        if (sub == null || sub.isBlank() || !("admin".equals(role) || "customer".equals(role))) {
            System.err.println("usage: token --sub SUBJECT [--role admin|customer] [--ttl 1h]");
            return 64;
        }
        out.println(
                new TokenIssuer(settings.tokens().jwtSecret(), settings.tokens().azureClientId())
                        .issue(sub, role, ttl, Instant.now()));
        return 0;
    }

    static Duration parseTtl(String value) {
        return Durations.parse(value)
                .filter(ttl -> !ttl.isNegative())
                .orElseThrow(() -> new ConfigurationException("--ttl", "must be a duration such as 30m, 1h or 7d"));
    }

    /** {@code rotate-keys}: a new key-encryption key version, then every data key re-wrapped under it, online. */
    static int rotateKeys(ConfigurableApplicationContext context, PrintStream out) {
        try (context) {
            KeyRotation.Result result = context.getBean(KeyRotation.class).rotate();
            context.getBean(AuditLog.class)
                    .record(new AuditEvent(
                            Instant.now(),
                            null,
                            "rotate-keys",
                            "keys.rotated",
                            "/data-keys",
                            AuditEvent.SUCCEEDED,
                            null,
                            Map.of("kek_id", result.currentKeyId(), "rewrapped", result.rewrapped())));
            out.println(
                    "Data keys are wrapped by " + result.currentKeyId() + " (" + result.rewrapped() + " re-wrapped)");
            return 0;
        }
    }

    /** Applies the schema migrations and exits. */
    static int initDb(DatabaseUrl database) {
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        System.out.println("Database schema is up to date");
        return 0;
    }
}
