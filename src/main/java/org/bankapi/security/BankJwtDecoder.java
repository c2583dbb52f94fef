package org.bankapi.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Chooses the validator by the token's {@code alg}: RS256 goes to Azure AD (the tenant's JWKS), HS256
 * to the local fallback secret. A token whose algorithm has no configured validator is refused. A
 * client sends the same token with every request until it expires, so a token that passed is
 * remembered (the exact string, for at most {@link #VERIFIED_TTL}) instead of being verified again.
 */
final class BankJwtDecoder implements JwtDecoder {

    static final int HEADERS_REMEMBERED_MAX = 64;
    static final int VERIFIED_TOKENS_MAX = 4096;
    /** Bounds how long a verified token outlives a key removed from the issuer's JWKS. */
    static final Duration VERIFIED_TTL = Duration.ofMinutes(5);

    private final Map<String, String> algorithms = new ConcurrentHashMap<>();
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final JwtDecoder hmac;
    private final JwtDecoder rsa;
    private final Clock clock;

    BankJwtDecoder(JwtDecoder hmac, JwtDecoder rsa) {
        this(hmac, rsa, Clock.systemUTC());
    }

    BankJwtDecoder(JwtDecoder hmac, JwtDecoder rsa, Clock clock) {
        this.hmac = hmac;
        this.rsa = rsa;
        this.clock = clock;
    }

    /** A token that passed its decoder, usable until its expiry or the end of its time here, whichever comes first. */
    private record Verified(Jwt jwt, Instant usableUntil) {}

    /**
     * The {@code alg} of the token's header. Every token of one issuer carries the same few header
     * segments, so their algorithm is remembered (up to {@link #HEADERS_REMEMBERED_MAX}) instead of
     * parsing the whole token here and again in the chosen decoder.
     */
    String algorithm(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        String segment = dot > 0 ? token.substring(0, dot) : null;
        String known = segment == null ? null : algorithms.get(segment);
        if (known != null) {
            return known;
        }
        String algorithm;
        try {
            algorithm = JWTParser.parse(token).getHeader().getAlgorithm().getName();
        } catch (ParseException | RuntimeException e) {
            throw new BadJwtException("the token is not a well-formed JWT");
        }
        if (segment != null && algorithms.size() < HEADERS_REMEMBERED_MAX) {
            algorithms.put(segment, algorithm);
        }
        return algorithm;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Verified known = token == null ? null : verified.get(token);
        if (known != null) {
            if (now.isBefore(known.usableUntil())) {
                return known.jwt();
            }
            verified.remove(token);
        }
        Jwt jwt = verify(token);
        Instant until = now.plus(VERIFIED_TTL);
        if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
            until = jwt.getExpiresAt();
        }
        if (verified.size() >= VERIFIED_TOKENS_MAX) {
            verified.clear();
        }
        verified.put(token, new Verified(jwt, until));
        return jwt;
    }

    private Jwt verify(String token) {
        String algorithm = algorithm(token);
        if (JWSAlgorithm.HS256.getName().equals(algorithm) && hmac != null) {
            return hmac.decode(token);
        }
        if (JWSAlgorithm.RS256.getName().equals(algorithm) && rsa != null) {
            return rsa.decode(token);
        }
        throw new BadJwtException("tokens signed with " + algorithm + " are not accepted");
    }
}
