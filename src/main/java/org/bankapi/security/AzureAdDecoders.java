package org.bankapi.security;

import java.util.List;
import org.bankapi.config.Settings;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * RS256 validation against Azure AD: issuer {@code https://login.microsoftonline.com/{tenant}/v2.0}
 * (or AZURE_AD_ISSUER_URI), keys from the issuer's JWKS, discovered on first use so that start-up
 * never waits for the network; an unknown {@code kid} makes the JWKS be fetched again.
 */
@Component
class AzureAdDecoders implements SecurityConfig.AzureAdDecoderFactory {

    @Override
    public JwtDecoder create(Settings settings) {
        String issuer = settings.azureIssuerUri() != null
                ? settings.azureIssuerUri()
                : "https://login.microsoftonline.com/" + settings.azureTenantId() + "/v2.0";
        String clientId = settings.azureClientId();
        List<String> audiences = List.of(clientId, "api://" + clientId);
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer)
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
            decoder.setJwtValidator(SecurityConfig.validators(audiences, new JwtIssuerValidator(issuer)));
            return decoder;
        });
    }
}
