package org.bankapi.support;

import java.nio.charset.StandardCharsets;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the HTTP tests: the whole service on a random port against a real embedded PostgreSQL.
 * Every test class shares one Spring context (same configuration), and tests isolate themselves by
 * opening their own accounts rather than by truncating tables.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "bank.warmup.ms-max=0",
            "JWT_SECRET_KEY=" + ApiTest.JWT_SECRET,
            "BANK_DATA_DIR=target/test-data",
            "RATE_LIMIT_PER_SECOND=0",
            // the hold tests run the sweeper themselves, so they can see a hold past its expiry before it is swept
            "bank.holds.sweep-interval=PT1H"
        })
@Import(StatementCounter.Wrapping.class)
public abstract class ApiTest {

    public static final String JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", EmbeddedDatabase::jdbcUrl);
    }

    protected Api api() {
        return new Api("http://localhost:" + port, JWT_SECRET.getBytes(StandardCharsets.UTF_8));
    }
}
