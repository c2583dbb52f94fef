package org.bankapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Database;
import org.bankapi.support.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code rotate-keys} subcommand as an operator runs it: the production entry point, then exit 0. */
class RotateKeysCommandTest {

    @Test
    void rotateKeysRewrapsEveryLiveDataKeyAndExits() {
        String dataDir = "target/test-data";
        String previous = System.getProperty("BANK_DATA_DIR");
        String previousSecret = System.getProperty("JWT_SECRET_KEY");
        // the Spring context reads the same variables from its environment: the tests' key directory,
        // and a secret for the local-start banner that component scanning finds on the test classpath
        System.setProperty("BANK_DATA_DIR", dataDir);
        System.setProperty("JWT_SECRET_KEY", ApiTest.JWT_SECRET);
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertThat(BankingApplication.run(
                            new String[] {"init-db"}, Map.of("DATABASE_URL", EmbeddedDatabase.jdbcUrl())::get))
                    .isZero();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int status = BankingApplication.run(
                    new String[] {"rotate-keys"},
                    Map.of("DATABASE_URL", EmbeddedDatabase.jdbcUrl(), "BANK_DATA_DIR", dataDir)::get);
            assertThat(status).isZero();
        } finally {
            System.setOut(originalOut);
            if (previousSecret == null) {
                System.clearProperty("JWT_SECRET_KEY");
            } else {
                System.setProperty("JWT_SECRET_KEY", previousSecret);
            }
            if (previous == null) {
                System.clearProperty("BANK_DATA_DIR");
            } else {
                System.setProperty("BANK_DATA_DIR", previous);
            }
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).containsPattern("Data keys are wrapped by local:kek-\\d+ \\(\\d+ re-wrapped\\)");
        String current = printed.replaceAll("(?s).*Data keys are wrapped by (local:kek-\\d+).*", "$1");
        JdbcClient sql = Database.superuser();
        assertThat(sql.sql("SELECT count(*) FROM data_keys WHERE wrapped_key IS NOT NULL AND kek_id <> :k")
                        .param("k", current)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(sql.sql("SELECT count(*) FROM audit_log WHERE action = 'keys.rotated' AND details LIKE :k")
                        .param("k", "%\"" + current + "\"%")
                        .query(Long.class)
                        .single())
                .isPositive();
    }
}
