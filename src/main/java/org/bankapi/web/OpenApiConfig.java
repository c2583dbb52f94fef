package org.bankapi.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's header and its bearer-JWT scheme, applied to every operation, so that the
 * Swagger UI at /docs shows an Authorize button and sends the token with "Try it out". Its schemas
 * name properties in snake_case, as the API's JSON does (swagger-core has its own Jackson 2 mapper
 * and does not see the application's naming strategy).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String BEARER_AUTH = "bearerAuth";

    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    @Bean
    OpenAPI bankingOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Banking Transaction API")
                        .version("0.1.0")
                        .description(
                                "Accounts, deposits, withdrawals and transfers on a double-entry PostgreSQL ledger. "
                                        + "Every endpoint but /health*, /metrics, /docs and /openapi.json needs "
                                        + "`Authorization: Bearer <JWT>` (Azure AD RS256, or HS256 signed with JWT_SECRET_KEY "
                                        + "for local use). Errors are application/problem+json with a stable `code`.")
                        .license(new License().name("Apache-2.0")))
                .components(
                        new Components()
                                .addSecuritySchemes(
                                        BEARER_AUTH,
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.HTTP)
                                                .scheme("bearer")
                                                .bearerFormat("JWT")
                                                .description(
                                                        "A JWT whose `sub` is the principal; the `roles` claim holding `admin` grants the admin role")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER_AUTH));
    }
}
