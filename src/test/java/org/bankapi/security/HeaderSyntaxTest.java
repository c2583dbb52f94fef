package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/** The loops decide every string as Spring Security's own firewall and bearer token resolver do. */
class HeaderSyntaxTest {

    /** Spring Security's own firewall, with its default rules. */
    private static final StrictHttpFirewall FIREWALL = new StrictHttpFirewall();

    private static final DefaultBearerTokenResolver SPRING = new DefaultBearerTokenResolver();

    @Property(tries = 3000)
    void judgesHeaderNamesAndValuesAsTheFirewallDoes(@ForAll("headerText") String text) {
        assertThat(HeaderSyntax.allowedName(text)).isEqualTo(firewallAllows(text, "v"));
        assertThat(HeaderSyntax.allowedValue(text)).isEqualTo(firewallAllows("X-Probe", text));
    }

    @Property(tries = 3000)
    void readsAuthorizationHeadersAsSpringsResolverDoes(@ForAll("authorization") String header) {
        assertThat(outcome(HeaderSyntax::bearerToken, header)).isEqualTo(outcome(HeaderSyntaxTest::spring, header));
    }

    @Example
    void refusesControlCharactersButAllowsATabInValues() {
        assertThat(HeaderSyntax.allowedValue("Bearer abc")).isTrue();
        assertThat(HeaderSyntax.allowedValue("a\tb")).isTrue();
        assertThat(HeaderSyntax.allowedName("a\tb")).isFalse();
        assertThat(HeaderSyntax.allowedValue("a\nb")).isFalse();
        assertThat(HeaderSyntax.allowedValue("a\u0000b")).isFalse();
        assertThat(HeaderSyntax.allowedValue("Jörg \uD83D\uDE00")).isTrue();
        assertThat(HeaderSyntax.allowedValue("unassigned \u0378")).isFalse();
    }

    @Example
    void takesTheTokenOfABearerHeaderAndRefusesAMalformedOne() {
        assertThat(HeaderSyntax.bearerToken("Bearer eyJ.abc-_~+/==")).isEqualTo("eyJ.abc-_~+/==");
        assertThat(HeaderSyntax.bearerToken("bEARER t")).isEqualTo("t");
        assertThat(HeaderSyntax.bearerToken(null)).isNull();
        assertThat(HeaderSyntax.bearerToken("Basic dXNlcjpwYXNz")).isNull();
        for (String malformed :
                new String[] {"Bearer", "Bearer ", "Bearer  t", "Bearer t t", "Bearer t=a", "Bearerx"}) {
            assertThatThrownBy(() -> HeaderSyntax.bearerToken(malformed))
                    .as(malformed)
                    .isInstanceOf(OAuth2AuthenticationException.class)
                    .hasMessageContaining("malformed");
        }
    }

    @Provide
    Arbitrary<String> headerText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().ascii().ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(12),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(4));
    }

    @Provide
    Arbitrary<String> authorization() {
        Arbitrary<String> scheme =
                Arbitraries.of("Bearer", "bearer", "BEARER", "bEaReR", "Bearer ", "Bearer  ", "Basic ", "Bear", "");
        Arbitrary<String> rest = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-._~+/= \t!").ofMaxLength(10),
                Arbitraries.strings().all().ofMaxLength(6));
        return scheme.flatMap(s -> rest.map(r -> s + r));
    }

    private static boolean firewallAllows(String name, String value) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/accounts");
        request.addHeader(name, value);
        try {
            FIREWALL.getFirewalledRequest(request).getHeader(name);
            return true;
        } catch (RequestRejectedException e) {
            return false;
        }
    }

    private static String spring(String header) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", header);
        return SPRING.resolve(request);
    }

    private static String outcome(Function<String, String> resolver, String header) {
        try {
            return "token:" + resolver.apply(header);
        } catch (OAuth2AuthenticationException e) {
            return "refused:" + e.getError().getErrorCode() + ":" + e.getMessage();
        }
    }
}
