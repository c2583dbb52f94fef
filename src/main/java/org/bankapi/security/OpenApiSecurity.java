package org.bankapi.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares the bearer JWT scheme in the OpenAPI document and requires it on every operation, so
 * that /docs shows an Authorize button that takes a token. A customizer, so other documentation
 * beans compose with it.
 */
@Configuration
class OpenApiSecurity {

    static final String SCHEME = "bearerAuth";

    @Bean
    OpenApiCustomizer bearerJwtSecurity() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme()
                    .type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .bearerFormat("JWT")
                    .description("An Azure AD access token for this API (or, locally, a token from the `token` subcommand)"));
            openApi.addSecurityItem(new SecurityRequirement().addList(SCHEME));
        };
    }
}
