package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bankapi.support.Api;
import org.bankapi.support.CloudTest;
import org.junit.jupiter.api.Test;

/** RS256 tokens from a real OpenID Connect issuer (its discovery document and JWKS), as Azure AD issues them. */
class AzureAdTest extends CloudTest {

    private void assertUnauthenticated(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("unauthenticated");
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void adminAndCustomerTokensFromTheIssuerWork() {
        Api api = api();
        String customer = newSubject();
        String admin = azureToken(newSubject(), List.of("Admin"));
        Api.Response opened = api.as(admin)
                .post("/accounts", Map.of("owner_id", customer, "holder_name", "Alan Turing", "initial_deposit", "10"));
        assertThat(opened.status()).as(opened.toString()).isEqualTo(201);

        String customerToken = azureToken(customer, List.of());
        Api.Response own = api.as(customerToken).get("/accounts");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("items")).hasSize(1);
        assertThat(api.as(customerToken)
                        .post("/accounts", Map.of("owner_id", customer, "holder_name", "X"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void acceptsTheApiUriFormOfTheAudienceAndLowerCaseAdmin() {
        String token =
                token(ISSUER_ID, newSubject(), List.of("api://" + CLIENT_ID), Map.of("roles", List.of("admin")), 600);
        assertThat(api().as(token).get("/audit/verify").status()).isEqualTo(200);
    }

    @Test
    void refusesAForgedPayload() {
        String genuine = azureToken(newSubject(), List.of());
        String[] parts = genuine.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"roles\":[]", "\"roles\":[\"Admin\"]");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertThat(payload).contains("Admin");
        assertUnauthenticated(api().as(forged).get("/audit/verify"));
    }

    @Test
    void refusesATokenOfAnotherIssuer() {
        // signed by the same keys, so only the issuer check can refuse it
        String other =
                token("another-tenant", newSubject(), List.of(CLIENT_ID), Map.of("roles", List.of("Admin")), 600);
        assertUnauthenticated(api().as(other).get("/accounts"));
    }

    @Test
    void refusesAWrongAudience() {
        assertUnauthenticated(api().as(token(ISSUER_ID, newSubject(), List.of("some-other-api"), Map.of(), 600))
                .get("/accounts"));
    }

    @Test
    void refusesAnExpiredToken() {
        assertUnauthenticated(api().as(token(ISSUER_ID, newSubject(), List.of(CLIENT_ID), Map.of(), -600))
                .get("/accounts"));
    }

    @Test
    void refusesAlgNoneAndHs256WhenTheFallbackIsOff() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("mallory")
                .issuer(ISSUER.issuerUrl(ISSUER_ID).toString())
                .audience(CLIENT_ID)
                .claim("roles", List.of("Admin"))
                .expirationTime(new Date(System.currentTimeMillis() + 600_000))
                .build();
        assertUnauthenticated(api().as(new PlainJWT(claims).serialize()).get("/accounts"));

        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        hmac.sign(new MACSigner(new byte[32]));
        assertUnauthenticated(api().as(hmac.serialize()).get("/accounts"));
    }

    @Test
    void followsAKeyRotationAtTheIssuer() {
        Api api = api();
        String before = azureToken(newSubject(), List.of());
        assertThat(api.as(before).get("/accounts").status()).isEqualTo(200);
        String oldKid = ISSUER_KEYS.currentKid();

        ISSUER_KEYS.rotate();
        String after = azureToken(newSubject(), List.of());
        assertThat(ISSUER_KEYS.currentKid()).isNotEqualTo(oldKid);
        assertThat(api.as(after).get("/accounts").status())
                .as("a token signed with the new kid")
                .isEqualTo(200);
    }
}
