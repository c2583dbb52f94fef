package org.bankapi.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Signs HS256 development tokens with JWT_SECRET_KEY: for local start, the `token` subcommand and tests. */
public final class TokenIssuer {

    private final byte[] secret;
    private final String audience;

    public TokenIssuer(byte[] secret, String audience) {
        this.secret = secret.clone();
        this.audience = audience;
    }

    public String issue(String subject, String role, Duration ttl, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("preferred_username", subject)
                .claim("roles", List.of(role));
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
