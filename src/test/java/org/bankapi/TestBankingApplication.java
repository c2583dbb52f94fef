package org.bankapi;

import java.time.Duration;
import java.time.Instant;
import org.bankapi.config.ProcessSettings;
import org.bankapi.security.TokenIssuer;
import org.bankapi.security.TokenSettings;
import org.bankapi.support.LocalServices;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/**
 * {@code ./mvnw spring-boot:test-run}: the production main class on local services (embedded
 * PostgreSQL under ./data, generated JWT secret), then a console block with ready tokens.
 */
public class TestBankingApplication {

    public static void main(String[] args) {
        LocalServices.start();
        SpringApplication.from(BankingApplication::main)
                .with(LocalStartBanner.class)
                .run(args);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class LocalStartBanner {

        @Bean
        ApplicationListener<ApplicationReadyEvent> printTokens(TokenSettings tokens, ProcessSettings process) {
            return event -> {
                TokenIssuer issuer = new TokenIssuer(tokens.jwtSecret(), tokens.azureClientId());
                Duration ttl = Duration.ofHours(12);
                String base = "http://localhost:"
                        + event.getApplicationContext().getEnvironment().getProperty("local.server.port");
                String admin = issuer.issue("admin", "admin", ttl, Instant.now());
                String customer = issuer.issue("alice", "customer", ttl, Instant.now());
                String line = "=".repeat(78);
                System.out.println(String.join(
                        "\n",
                        line,
                        " Banking Transaction API is running (local start, data in " + process.dataDir() + ")",
                        "   Swagger UI : " + base + "/docs   (Authorize with a token below)",
                        "   Metrics    : " + base + "/metrics",
                        "   Admin token (sub=admin, 12 h):",
                        "     " + admin,
                        "   Customer token (sub=alice, 12 h): open an account with owner_id \"alice\" to use it",
                        "     " + customer,
                        line));
            };
        }
    }
}
