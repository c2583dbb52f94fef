package org.bankapi.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One real PostgreSQL 17 per test JVM, started on first use from the binaries on the test classpath. */
public final class EmbeddedDatabase {

    private static EmbeddedPostgres postgres;

    private EmbeddedDatabase() {
    }

    public static synchronized EmbeddedPostgres get() {
        if (postgres == null) {
            try {
                Path dir = Files.createTempDirectory("bank-test-pg");
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(true)
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
                EmbeddedPostgres started = postgres;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return postgres;
    }

    public static String jdbcUrl() {
        return get().getJdbcUrl("postgres", "postgres");
    }
}
