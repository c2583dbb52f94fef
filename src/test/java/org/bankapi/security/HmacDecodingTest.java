package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;
import org.bankapi.Settings;
import org.bankapi.support.SettableClock;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The HS256 path builds its verifier once and reads each issuer's header once, without accepting more tokens. */
class HmacDecodingTest {

    private static final byte[] SECRET = "hmac-decoding-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyTokenSignedWithTheSecretIsCheckedByTheSameVerifier() throws Exception {
        SecretKeySpec key = new SecretKeySpec(SECRET, "HmacSHA256");
        SharedMacVerifierFactory factory = new SharedMacVerifierFactory(key);
        JWSHeader header = new JWSHeader(JWSAlgorithm.HS256);
        assertThat(factory.createJWSVerifier(header, key))
                .isInstanceOf(MACVerifier.class)
                .isSameAs(factory.createJWSVerifier(header, key));
        SecretKeySpec other = new SecretKeySpec(
                "another-secret-of-enough-length-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        assertThat(factory.createJWSVerifier(header, other)).isNotSameAs(factory.createJWSVerifier(header, key));
    }

    @Test
    void aRememberedHeaderStillNeedsAGoodSignature() {
        JwtDecoder decoder = new SecurityConfig().jwtDecoder(settings(), Optional.empty());
        TokenIssuer issuer = new TokenIssuer(SECRET, null);
        String first = issuer.issue("alice", "customer", Duration.ofMinutes(5), Instant.now());
        String second = issuer.issue("bob", "admin", Duration.ofMinutes(5), Instant.now());
        assertThat(decoder.decode(first).getSubject()).isEqualTo("alice");
        assertThat(decoder.decode(second).getSubject()).isEqualTo("bob");
        String forged = second.substring(0, second.lastIndexOf('.') + 1) + first.substring(first.lastIndexOf('.') + 1);
        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void aHeaderWithoutAcceptedAlgorithmIsRefusedEveryTime() {
        BankJwtDecoder decoder = new BankJwtDecoder(
                token -> {
                    throw new AssertionError("the HS256 decoder must not see an unsigned token");
                },
                null);
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder()
                        .subject("mallory")
                        .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                        .build())
                .serialize();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> decoder.decode(unsigned))
                    .isInstanceOf(BadJwtException.class)
                    .hasMessageContaining("none");
        }
        assertThatThrownBy(() -> decoder.decode("not-a-jwt")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode("e30.e30.")).isInstanceOf(BadJwtException.class);
    }

    @Test
    void aVerifiedTokenIsVerifiedAgainOnlyAfterItExpiresOrItsTimeHereEnds() {
        JwtDecoder real = new SecurityConfig().jwtDecoder(settings(), Optional.empty());
        AtomicInteger verifications = new AtomicInteger();
        Instant start = Instant.now();
        SettableClock clock = new SettableClock(start);
        BankJwtDecoder decoder = new BankJwtDecoder(
                token -> {
                    verifications.incrementAndGet();
                    return real.decode(token);
                },
                null,
                clock);
        TokenIssuer issuer = new TokenIssuer(SECRET, null);
        String shortLived = issuer.issue("alice", "customer", Duration.ofMinutes(2), start);
        String longLived = issuer.issue("bob", "customer", Duration.ofHours(1), start);

        assertThat(decoder.decode(shortLived).getSubject()).isEqualTo("alice");
        assertThat(decoder.decode(shortLived).getSubject()).isEqualTo("alice");
        assertThat(decoder.decode(longLived).getSubject()).isEqualTo("bob");
        assertThat(verifications).hasValue(2);

        clock.set(start.plus(Duration.ofMinutes(2)).plusSeconds(1)); // alice's token has expired
        assertThat(decoder.decode(longLived).getSubject()).isEqualTo("bob");
        assertThat(verifications).hasValue(2);
        decoder.decode(shortLived); // the decoder's own validator decides (within its clock skew)
        assertThat(verifications).hasValue(3);

        clock.set(start.plus(BankJwtDecoder.VERIFIED_TTL).plusSeconds(1));
        decoder.decode(longLived);
        assertThat(verifications).hasValue(4);
    }

    private static TokenSettings settings() {
        Map<String, String> env = Map.of("JWT_SECRET_KEY", new String(SECRET, StandardCharsets.UTF_8));
        return Settings.from(env::get).tokens();
    }
}
