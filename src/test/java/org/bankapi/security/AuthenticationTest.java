package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HS256 fallback: only well-signed, current tokens with a subject get in; everything else is a 401 problem. */
class AuthenticationTest extends ApiTest {

    private static String sign(JWTClaimsSet claims, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder()
                .subject("mallory")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .claim("roles", List.of("admin"));
    }

    static Stream<Arguments> badTokens() throws Exception {
        String good = sign(valid().build(), JWT_SECRET);
        String[] parts = good.split("\\.");
        String forgedPayload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        "{\"sub\":\"root\",\"roles\":[\"admin\"],\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("no token", null),
                Arguments.of("garbage", "not-a-jwt"),
                Arguments.of("wrong secret", sign(valid().build(), "another-secret-that-is-long-enough-0123456789")),
                Arguments.of("forged payload", parts[0] + "." + forgedPayload + "." + parts[2]),
                Arguments.of(
                        "expired",
                        sign(
                                valid().expirationTime(Date.from(Instant.now().minusSeconds(120)))
                                        .build(),
                                JWT_SECRET)),
                Arguments.of(
                        "no exp",
                        sign(
                                new JWTClaimsSet.Builder()
                                        .subject("m")
                                        .claim("roles", List.of("admin"))
                                        .build(),
                                JWT_SECRET)),
                Arguments.of(
                        "no sub",
                        sign(
                                new JWTClaimsSet.Builder()
                                        .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                                        .build(),
                                JWT_SECRET)),
                Arguments.of("alg none", new PlainJWT(valid().build()).serialize()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void refusesBadTokensWithAProblem(String name, String token) {
        Api api = api();
        Api.Response response = (token == null ? api.anonymous() : api.as(token)).get("/accounts");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.code()).isEqualTo("unauthenticated");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.text()).doesNotContain("Exception");
    }

    @Test
    void theRolesClaimMakesAnAdminCaseInsensitively() throws Exception {
        Api api = api();
        String admin = sign(valid().claim("roles", List.of("Admin")).build(), JWT_SECRET);
        String customer = sign(valid().claim("roles", List.of("reader")).build(), JWT_SECRET);
        assertThat(api.as(admin)
                        .post("/accounts", "{\"owner_id\":\"z\",\"holder_name\":\"Z\"}")
                        .status())
                .isEqualTo(201);
        assertThat(api.as(customer)
                        .post("/accounts", "{\"owner_id\":\"z\",\"holder_name\":\"Z\"}")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void theFirewallRefusesAControlCharacterInTheAuthorizationHeader() throws Exception {
        String token = sign(valid().build(), JWT_SECRET);
        // raw bytes: an HTTP client would not send a C1 control character (0x85) in a header
        byte[] request = ("GET /accounts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer "
                        + token + "\u0085\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(status).isEqualTo("HTTP/1.1 400");
        }
    }

    @Test
    void hasNoLogoutEndpointToRedirectFrom() throws Exception {
        String customer = sign(valid().build(), JWT_SECRET);
        Api.Response response = api().as(customer).post("/logout", "{}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Location")).isNull();
        assertThat(response.code()).isEqualTo("not_found");
    }

    @Test
    void healthMetricsAndDocsNeedNoToken() {
        Api api = api();
        assertThat(api.anonymous().get("/health").status()).isEqualTo(200);
        assertThat(api.anonymous().get("/health/ready").text()).contains("UP");
        // the request timer exists whatever ran before; transactions_total appears only after a first booking
        assertThat(api.anonymous().get("/metrics").text()).contains("http_server_requests_seconds_count");
        assertThat(api.anonymous().get("/openapi.json").json().get("paths").has("/transactions"))
                .isTrue();
        Api.Response docs = api.anonymous().get("/docs");
        assertThat(docs.status()).isEqualTo(302);
        assertThat(api.anonymous().get(docs.header("Location")).text()).contains("swagger-ui");
    }

    @Test
    void everyResponseCarriesARequestId() {
        Api api = api();
        assertThat(api.anonymous()
                        .header("X-Request-Id", "trace-123")
                        .get("/accounts")
                        .header("X-Request-Id"))
                .isEqualTo("trace-123");
        Api.Response generated = api.as(api.token("u", "customer")).get("/accounts");
        assertThat(generated.header("X-Request-Id")).hasSizeGreaterThan(10);
    }

    @Test
    void theTokenCommandSignsTokensTheServiceAccepts() {
        String token = new TokenIssuer(JWT_SECRET.getBytes(StandardCharsets.UTF_8), null)
                .issue("carol", "customer", Duration.ofMinutes(5), Instant.now());
        assertThat(api().as(token).get("/accounts").status()).isEqualTo(200);
    }
}
