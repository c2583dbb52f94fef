package org.bankapi.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The development-time services of {@code ./mvnw spring-boot:test-run}: an embedded PostgreSQL whose
 * data lives under the data directory and survives restarts, an in-JVM Kafka broker (KRaft), and a
 * generated JWT secret kept beside them. They set the same variables a deployment would, so the production code path runs unchanged.
 */
public final class LocalServices {

    private LocalServices() {}

    public static void start() {
        Path dataDir = Path.of(value("BANK_DATA_DIR", "data")).toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
            if (value("DATABASE_URL", null) == null) {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir.resolve("postgres"))
                        .setCleanDataDirectory(false)
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // exiting anyway
                    }
                }));
                System.setProperty("DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"));
            }
            if (value("KAFKA_BOOTSTRAP_SERVERS", null) == null) {
                System.setProperty("KAFKA_BOOTSTRAP_SERVERS", LocalKafka.start());
            }
            if (value("JWT_SECRET_KEY", null) == null) {
                System.setProperty("JWT_SECRET_KEY", jwtSecret(dataDir.resolve("jwt-secret")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local services under " + dataDir, e);
        }
        System.setProperty("BANK_DATA_DIR", dataDir.toString());
        System.setProperty("bank.local-start", "true");
    }

    /** The local JWT secret: generated once, owner-only, reused so that printed tokens stay valid across restarts. */
    static String jwtSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
        return secret;
    }

    private static String value(String name, String fallback) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? fallback : value;
    }
}
