package org.bankapi.security;

/**
 * How bearer tokens are checked: Azure AD (AZURE_AD_TENANT_ID or AZURE_AD_ISSUER_URI, audience
 * AZURE_AD_CLIENT_ID) and the HS256 fallback (JWT_SECRET_KEY), which {@code bank.local-start} expects.
 */
public record TokenSettings(
        byte[] jwtSecret, String azureTenantId, String azureClientId, String azureIssuerUri, boolean localStart) {

    public TokenSettings {
        jwtSecret = jwtSecret == null ? null : jwtSecret.clone();
    }

    @Override
    public byte[] jwtSecret() {
        return jwtSecret == null ? null : jwtSecret.clone();
    }

    public boolean hmacTokensEnabled() {
        return jwtSecret != null;
    }

    public boolean azureAdEnabled() {
        return azureTenantId != null || azureIssuerUri != null;
    }

    @Override
    public String toString() {
        return "TokenSettings[azureAd=" + azureAdEnabled() + ", hmacTokens=" + hmacTokensEnabled() + ", audience="
                + azureClientId + "]";
    }
}
