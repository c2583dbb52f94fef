package org.bankapi.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Chooses the validator by the token's {@code alg}: RS256 goes to Azure AD (the tenant's JWKS), HS256
 * to the local fallback secret. A token whose algorithm has no configured validator is refused.
 */
final class BankJwtDecoder implements JwtDecoder {

    private final JwtDecoder hmac;
    private final JwtDecoder rsa;

    BankJwtDecoder(JwtDecoder hmac, JwtDecoder rsa) {
        this.hmac = hmac;
        this.rsa = rsa;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        String algorithm;
        try {
            algorithm = JWTParser.parse(token).getHeader().getAlgorithm().getName();
        } catch (ParseException | RuntimeException e) {
            throw new BadJwtException("the token is not a well-formed JWT");
        }
        if (JWSAlgorithm.HS256.getName().equals(algorithm) && hmac != null) {
            return hmac.decode(token);
        }
        if (JWSAlgorithm.RS256.getName().equals(algorithm) && rsa != null) {
            return rsa.decode(token);
        }
        throw new BadJwtException("tokens signed with " + algorithm + " are not accepted");
    }
}
