package org.bankapi.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** One real PostgreSQL 17 per test JVM, started on first use from the binaries on the test classpath. */
public final class EmbeddedDatabase {

    private static EmbeddedPostgres postgres;
    private static Path dataDirectory;

    private EmbeddedDatabase() {}

    public static synchronized EmbeddedPostgres get() {
        if (postgres == null) {
            try {
                dataDirectory = Files.createTempDirectory("bank-test-pg");
                postgres = start(0);
                Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopAndDelete, "embedded-pg-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return postgres;
    }

    /**
     * Restarts the server as an operator or a crash recovery would: a fast shutdown (every session
     * is terminated), {@code outage} during which connections are refused, then the same data on the
     * same port again. Returns when it accepts connections.
     */
    public static synchronized void restart(Duration outage) throws IOException, InterruptedException {
        int port = get().getPort();
        postgres.close();
        Thread.sleep(outage.toMillis());
        postgres = start(port);
    }

    public static String jdbcUrl() {
        return get().getJdbcUrl("postgres", "postgres");
    }

    /** The data directory is kept across {@link #restart} (zonky would delete it on close) and removed at exit. */
    private static EmbeddedPostgres start(int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off");
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    private static synchronized void stopAndDelete() {
        try {
            postgres.close();
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        } catch (IOException ignored) {
            // the JVM is exiting
        }
    }
}
