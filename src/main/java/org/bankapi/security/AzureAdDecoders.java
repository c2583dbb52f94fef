package org.bankapi.security;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestTemplate;

/**
 * RS256 validation against Azure AD: issuer {@code https://login.microsoftonline.com/{tenant}/v2.0}
 * (or AZURE_AD_ISSUER_URI), keys from the issuer's JWKS, discovered on first use so that start-up
 * never waits for the network (a failed discovery is retried on the next token); an unknown
 * {@code kid} makes the JWKS be fetched again. While the issuer cannot be reached, tokens are
 * refused with 401 (and a warning in the log), never a 500.
 */
@Component
class AzureAdDecoders implements SecurityConfig.AzureAdDecoderFactory {

    private static final Logger log = LoggerFactory.getLogger(AzureAdDecoders.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public JwtDecoder create(TokenSettings settings) {
        String issuer = settings.azureIssuerUri() != null
                ? settings.azureIssuerUri()
                : "https://login.microsoftonline.com/" + settings.azureTenantId() + "/v2.0";
        String clientId = settings.azureClientId();
        List<String> audiences = List.of(clientId, "api://" + clientId);
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(CONNECT_TIMEOUT);
        requests.setReadTimeout(READ_TIMEOUT);
        RestTemplate rest = new RestTemplate(requests);
        JwtDecoder lazy = new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer)
                    .restOperations(rest)
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
            decoder.setJwtValidator(SecurityConfig.validators(audiences, new JwtIssuerValidator(issuer)));
            return decoder;
        });
        return token -> {
            try {
                return lazy.decode(token);
            } catch (BadJwtException e) {
                throw e;
            } catch (JwtException | IllegalArgumentException | IllegalStateException e) {
                log.warn(
                        "Cannot validate an Azure AD token: the issuer's keys are unavailable ({})",
                        e.getClass().getSimpleName());
                throw new BadJwtException("the token cannot be validated now", e);
            }
        };
    }
}
