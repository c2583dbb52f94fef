package org.bankapi.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Chooses the validator by the token's {@code alg}: RS256 goes to Azure AD (the tenant's JWKS), HS256
 * to the local fallback secret. A token whose algorithm has no configured validator is refused.
 */
final class BankJwtDecoder implements JwtDecoder {

    static final int HEADERS_REMEMBERED_MAX = 64;

    private final Map<String, String> algorithms = new ConcurrentHashMap<>();
    private final JwtDecoder hmac;
    private final JwtDecoder rsa;

    BankJwtDecoder(JwtDecoder hmac, JwtDecoder rsa) {
        this.hmac = hmac;
        this.rsa = rsa;
    }

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
