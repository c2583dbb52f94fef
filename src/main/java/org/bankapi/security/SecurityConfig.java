package org.bankapi.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.bankapi.web.error.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Every endpoint but health, metrics and the API docs needs a bearer JWT. Refusals are problem+json
 * (401 unauthenticated, 403 forbidden); roles come from the {@code roles} claim as Azure AD app roles.
 */
@Configuration
public class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
    private static final String[] PUBLIC = {
        "/health",
        "/health/**",
        "/metrics",
        "/docs",
        "/docs/**",
        "/openapi.json",
        "/openapi.json/**",
        "/swagger-ui/**",
        "/error"
    };

    @Bean
    @ConditionalOnWebApplication
    SecurityFilterChain api(HttpSecurity http, JwtDecoder decoder) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // a stateless bearer API: no session to log out of, no request to replay after a login page
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                // no anonymous token and no servlet-API request wrapper: nothing asks for either, and each
                // was a filter (the wrapper also a layer for every header and attribute call) on every request
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable())
                .authorizeHttpRequests(auth -> auth.requestMatchers(HttpMethod.GET, PUBLIC)
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(oauth -> oauth.bearerTokenResolver(
                                request -> HeaderSyntax.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION)))
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(authenticationConverter()))
                        .authenticationEntryPoint((request, response, e) -> unauthenticated(response))
                        .accessDeniedHandler((request, response, e) ->
                                ProblemResponses.write(response, 403, "forbidden", "this needs another role")))
                .exceptionHandling(
                        ex -> ex.authenticationEntryPoint((request, response, e) -> unauthenticated(response)))
                .headers(headers -> headers.contentSecurityPolicy(
                                csp -> csp.policyDirectives(
                                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .httpStrictTransportSecurity(
                                hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000)));
        return http.build();
    }

    /** Spring Security's firewall with its own header rules, checked without a regex (HeaderSyntax). */
    @Bean
    @ConditionalOnWebApplication
    WebSecurityCustomizer headerSyntax() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderSyntax::allowedName);
        firewall.setAllowedHeaderValues(HeaderSyntax::allowedValue);
        return web -> web.httpFirewall(firewall);
    }

    /**
     * No observation of Spring Security's filters: even when each is a no-op, its decorator wraps every
     * filter of every request in one. {@code http.server.requests} times the whole request.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    private static void unauthenticated(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        ProblemResponses.write(response, 401, "unauthenticated", "a valid bearer token is required");
    }

    @Bean
    @ConditionalOnWebApplication
    JwtDecoder jwtDecoder(TokenSettings settings, Optional<AzureAdDecoderFactory> azureAd) {
        if (settings.hmacTokensEnabled() && !settings.localStart()) {
            log.warn(
                    "The HS256 fallback (JWT_SECRET_KEY) is on outside the local start: anyone holding the secret can mint admin tokens; use Azure AD in production");
        }
        JwtDecoder hmac = null;
        if (settings.hmacTokensEnabled()) {
            // built once: the decoder, its processor and its MAC verifier serve every request
            SecretKeySpec key = new SecretKeySpec(settings.jwtSecret(), "HmacSHA256");
            SharedMacVerifierFactory verifiers = new SharedMacVerifierFactory(key);
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key)
                    .macAlgorithm(MacAlgorithm.HS256)
                    .jwtProcessorCustomizer(processor -> processor.setJWSVerifierFactory(verifiers))
                    .build();
            decoder.setJwtValidator(
                    validators(settings.azureClientId() == null ? List.of() : List.of(settings.azureClientId())));
            hmac = decoder;
        }
        JwtDecoder rsa =
                settings.azureAdEnabled() && azureAd.isPresent() ? azureAd.get().create(settings) : null;
        if (hmac == null && rsa == null) {
            log.warn(
                    "Neither Azure AD (AZURE_AD_TENANT_ID) nor the HS256 fallback (JWT_SECRET_KEY) is configured: every request needing a token will be refused");
        }
        return new BankJwtDecoder(hmac, rsa);
    }

    /** exp and sub are required, the token must be current, and the audience must match when one is configured. */
    public static OAuth2TokenValidator<Jwt> validators(
            Collection<String> audiences, OAuth2TokenValidator<Jwt>... more) {
        List<OAuth2TokenValidator<Jwt>> all = new ArrayList<>();
        all.add(new JwtTimestampValidator());
        all.add(new JwtClaimValidator<Instant>("exp", Objects::nonNull));
        all.add(new JwtClaimValidator<String>("sub", sub -> sub != null && !sub.isBlank() && sub.length() <= 255));
        if (!audiences.isEmpty()) {
            all.add(new JwtClaimValidator<List<String>>(
                    "aud", aud -> aud != null && aud.stream().anyMatch(audiences::contains)));
        }
        all.addAll(List.of(more));
        return new DelegatingOAuth2TokenValidator<>(all);
    }

    static JwtAuthenticationConverter authenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setPrincipalClaimName("sub");
        converter.setJwtGrantedAuthoritiesConverter(SecurityConfig::authorities);
        return converter;
    }

    static Collection<GrantedAuthority> authorities(Jwt jwt) {
        Object roles = jwt.getClaims().get("roles");
        boolean admin = roles instanceof Collection<?> list
                && list.stream()
                        .anyMatch(r -> r != null && "admin".equals(r.toString().toLowerCase(Locale.ROOT)));
        return List.of(new SimpleGrantedAuthority(admin ? Caller.ROLE_ADMIN : Caller.ROLE_CUSTOMER));
    }

    /** The seam for Azure AD's RS256 validation (tenant issuer and JWKS). */
    public interface AzureAdDecoderFactory {
        JwtDecoder create(TokenSettings settings);
    }
}
