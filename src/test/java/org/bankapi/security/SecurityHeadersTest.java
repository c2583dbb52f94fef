package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SecurityHeadersTest extends ApiTest {

    @Test
    void responsesCarrySecurityHeadersAndNoServerVersion() {
        Api api = api();
        for (Api.Response response : new Api.Response[] {
            api.as(api.adminToken()).get("/accounts"),
            api.anonymous().get("/accounts"),
            api.as(api.adminToken()).get("/no-such-page"),
            api.anonymous().get("/health")
        }) {
            assertThat(response.header("Server")).as(response.toString()).isNull();
            assertThat(response.header("X-Powered-By")).isNull();
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(response.text())
                    .doesNotContainIgnoringCase("tomcat")
                    .doesNotContain("Spring")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void theOpenApiDocumentOffersBearerAuthorization() {
        Api.Response doc = api().anonymous().get("/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        JsonNode json = doc.json();
        JsonNode scheme = json.path("components").path("securitySchemes").path("bearerAuth");
        assertThat(scheme.path("type").asString()).isEqualTo("http");
        assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
        assertThat(scheme.path("bearerFormat").asString()).isEqualTo("JWT");
        assertThat(json.path("security").get(0).has("bearerAuth")).isTrue();
    }
}
