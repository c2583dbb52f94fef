package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.bankapi.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

@ExtendWith(OutputCaptureExtension.class)
class StartupWarningsTest {

    private static final String SECRET = "a-development-secret-of-at-least-32-bytes";

    private static void decoder(Map<String, String> env, MockEnvironment environment) {
        Settings settings =
                Settings.from(name -> env.containsKey(name) ? env.get(name) : environment.getProperty(name));
        new SecurityConfig().jwtDecoder(settings.tokens(), Optional.empty());
    }

    @Test
    void warnsWhenNoWayToAuthenticateIsConfigured(CapturedOutput output) {
        decoder(Map.of(), new MockEnvironment());
        assertThat(output.getOut())
                .contains(
                        "Neither Azure AD (AZURE_AD_TENANT_ID) nor the HS256 fallback (JWT_SECRET_KEY) is configured");
    }

    @Test
    void warnsWhenTheHs256FallbackIsOnOutsideTheLocalStart(CapturedOutput output) {
        decoder(Map.of("JWT_SECRET_KEY", SECRET), new MockEnvironment());
        assertThat(output.getOut()).contains("The HS256 fallback (JWT_SECRET_KEY) is on outside the local start");
    }

    @Test
    void staysQuietAboutTheFallbackInTheLocalStart(CapturedOutput output) {
        decoder(Map.of("JWT_SECRET_KEY", SECRET), new MockEnvironment().withProperty("bank.local-start", "true"));
        assertThat(output.getOut())
                .doesNotContain("HS256 fallback (JWT_SECRET_KEY) is on outside")
                .doesNotContain("Neither Azure AD");
    }
}
