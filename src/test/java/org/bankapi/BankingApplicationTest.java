package org.bankapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.Test;

/** The production entry point: bad configuration ends the start with one line; init-db and token work without a server. */
class BankingApplicationTest {

    private static String stderrOf(Runnable run) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void serveFromTheBuiltJarStartsFromTheBuildsBeanDefinitions() {
        assertThat(BankingApplication.aotByDefault(
                        null, "jar:nested:/srv/banking-transaction-api.jar/!BOOT-INF/classes/", true))
                .isTrue();
        assertThat(BankingApplication.aotByDefault(null, "file:/app/app.jar", true))
                .isTrue();
    }

    @Test
    void aotStaysOffFromAClassesDirectoryWithoutGeneratedClassesOrWhenTheUserSaysSo() {
        assertThat(BankingApplication.aotByDefault(null, "file:/work/target/classes/", true))
                .isFalse();
        assertThat(BankingApplication.aotByDefault(null, "file:/app/app.jar", false))
                .isFalse();
        assertThat(BankingApplication.aotByDefault("false", "file:/app/app.jar", true))
                .isFalse();
        assertThat(BankingApplication.aotByDefault(null, null, true)).isFalse();
    }

    @Test
    void theTestsRunFromAClassesDirectorySoTheirContextsAreNeverFrozen() {
        String location = BankingApplication.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toString();
        assertThat(BankingApplication.aotByDefault(null, location, true)).isFalse();
    }

    @Test
    void serveWithoutDatabaseUrlStopsWithOneLineNamingIt() {
        int[] status = new int[1];
        String err = stderrOf(
                () -> status[0] = BankingApplication.run(new String[] {"serve"}, Map.<String, String>of()::get));
        assertThat(status[0]).isEqualTo(2);
        assertThat(err.strip()).startsWith("Configuration error: DATABASE_URL").doesNotContain("\n");
    }

    @Test
    void anUnreachableDatabaseStopsWithOneLineNamingIt() {
        int[] status = new int[1];
        String err = stderrOf(() -> status[0] =
                BankingApplication.run(new String[0], Map.of("DATABASE_URL", "postgresql://u:p@127.0.0.1:1/db")::get));
        assertThat(status[0]).isEqualTo(2);
        assertThat(err.strip())
                .startsWith("Configuration error: DATABASE_URL: cannot connect")
                .doesNotContain("\n")
                .doesNotContain(":p@");
    }

    @Test
    void aShortSecretStopsTheStart() {
        String err = stderrOf(() ->
                BankingApplication.run(new String[] {"token", "--sub", "a"}, Map.of("JWT_SECRET_KEY", "short")::get));
        assertThat(err.strip()).isEqualTo("Configuration error: JWT_SECRET_KEY: must be at least 32 bytes long");
    }

    @Test
    void initDbAppliesTheSchemaAndExits() {
        assertThat(BankingApplication.run(
                        new String[] {"init-db"}, Map.of("DATABASE_URL", EmbeddedDatabase.jdbcUrl())::get))
                .isZero();
    }

    @Test
    void initDbReachesTheDatabaseThroughAMultiHostUrlWhoseFirstHostIsDead() throws Exception {
        int dead;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = socket.getLocalPort();
        }
        String url = "postgresql://postgres:postgres@127.0.0.1:" + dead + ",127.0.0.1:"
                + EmbeddedDatabase.get().getPort() + "/postgres";
        assertThat(BankingApplication.run(new String[] {"init-db"}, Map.of("DATABASE_URL", url)::get))
                .isZero();
    }

    @Test
    void tokenPrintsAnHs256TokenWithTheRole() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Settings settings = Settings.from(Map.of("JWT_SECRET_KEY", "x".repeat(32))::get);
        int status = Commands.token(
                settings,
                new String[] {"--sub", "alice", "--role", "admin", "--ttl", "2h"},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        var jwt = SignedJWT.parse(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(jwt.verify(new MACVerifier("x".repeat(32).getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("admin");
        long ttl = jwt.getJWTClaimsSet().getExpirationTime().getTime()
                - jwt.getJWTClaimsSet().getIssueTime().getTime();
        assertThat(ttl).isEqualTo(2 * 3600 * 1000);
    }

    @Test
    void tokenRefusesAnUnknownRole() {
        Settings settings = Settings.from(Map.of("JWT_SECRET_KEY", "x".repeat(32))::get);
        assertThat(Commands.token(settings, new String[] {"--sub", "a", "--role", "root"}, System.out))
                .isEqualTo(64);
    }
}
