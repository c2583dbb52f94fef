package org.bankapi.support;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.bankapi.crypto.KeyVaultKey;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;

/**
 * Base of the tests against real stand-ins for the cloud: a real OpenID Connect issuer
 * (mock-oauth2-server, RS256 and a JWKS, keys rotatable), an HTTPS Key Vault reached through the real
 * Azure SDK, and a Sentinel ingestion endpoint. Azure AD is the only way in (no HS256 fallback).
 * The context has its own database, so Key Vault-wrapped keys never meet the local-key-file tests.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "bank.warmup.ms-max=0",
            "AZURE_AD_CLIENT_ID=" + CloudTest.CLIENT_ID,
            "BANK_DATA_DIR=target/cloud-test-data",
            "RATE_LIMIT_PER_SECOND=0",
            "SENTINEL_TOKEN=" + SentinelStandIn.TOKEN,
            "KEY_VAULT_KEY_NAME=" + CloudTest.KEY_NAME
        })
@Import(CloudTest.KeyVaultTransport.class)
public abstract class CloudTest {

    public static final String CLIENT_ID = "bank-api-client";
    public static final String ISSUER_ID = "tenant";
    public static final String KEY_NAME = "bank-kek";
    public static final RotatingKeys ISSUER_KEYS = new RotatingKeys();
    public static final MockOAuth2Server ISSUER;
    public static final KeyVaultStandIn KEY_VAULT;
    public static final SentinelStandIn SENTINEL;
    public static final String DATABASE = "cloud";

    static {
        try {
            ISSUER = new MockOAuth2Server(
                    new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(ISSUER_KEYS)));
            ISSUER.start();
            // the issuer's first answer is slow on a cold JVM: warm it before the service asks
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            ISSUER.wellKnownUrl(ISSUER_ID).uri())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            KEY_VAULT = new KeyVaultStandIn(Path.of("target"));
            KEY_VAULT.rotate(KEY_NAME);
            SENTINEL = new SentinelStandIn();
            try (Connection c = EmbeddedDatabase.get().getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the cloud stand-ins", e);
        }
    }

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void standIns(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> EmbeddedDatabase.get().getJdbcUrl("postgres", DATABASE));
        registry.add("AZURE_AD_ISSUER_URI", () -> ISSUER.issuerUrl(ISSUER_ID).toString());
        registry.add("KEY_VAULT_URL", KEY_VAULT::url);
        registry.add("SENTINEL_ENDPOINT", SENTINEL::endpoint);
    }

    protected Api api() {
        return new Api("http://localhost:" + port, new byte[32]);
    }

    /** An RS256 token from the issuer, for the service's audience. */
    protected static String azureToken(String subject, List<String> roles) {
        return token(ISSUER_ID, subject, List.of(CLIENT_ID), Map.of("roles", roles), 3600);
    }

    protected static String token(
            String issuerId, String subject, List<String> audience, Map<String, Object> claims, long expirySeconds) {
        return ISSUER.issueToken(
                        issuerId,
                        CLIENT_ID,
                        new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", audience, claims, expirySeconds))
                .serialize();
    }

    protected static String newSubject() {
        return "aad-" + UUID.randomUUID();
    }

    /** The issuer's signing keys: rotate() makes a new key with a new kid the only one it signs with and publishes. */
    public static final class RotatingKeys extends KeyProvider {
        private volatile JWK current = generate();

        public void rotate() {
            current = generate();
        }

        public String currentKid() {
            return current.getKeyID();
        }

        @Override
        public JWK signingKey(String issuerId) {
            return current;
        }

        private static JWK generate() {
            try {
                return new RSAKeyGenerator(2048)
                        .keyID("kid-" + UUID.randomUUID())
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256)
                        .generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The real Azure SDK clients, pointed at the stand-in: its self-signed certificate trusted, a test
     * credential. Imported, not annotated, so that component scanning outside this test never finds it.
     */
    static class KeyVaultTransport {
        @Bean
        KeyVaultKey.Transport keyVaultTransport() throws Exception {
            TokenCredential credential = request -> Mono.just(
                    new AccessToken(KeyVaultStandIn.TOKEN, OffsetDateTime.now().plusHours(1)));
            var netty = reactor.netty.http.client.HttpClient.create().secure(ssl -> {
                try {
                    ssl.sslContext(SslContextBuilder.forClient()
                            .trustManager(KEY_VAULT.trustManagers())
                            .build());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return new KeyVaultKey.Transport(credential, new NettyAsyncHttpClientBuilder(netty).build(), true);
        }
    }
}
