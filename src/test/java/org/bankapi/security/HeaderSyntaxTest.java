package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The loops decide every string as Spring Security's own regexes and resolver do. */
class HeaderSyntaxTest {

    /** StrictHttpFirewall's patterns, as its source writes them. */
    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    private static final DefaultBearerTokenResolver SPRING = new DefaultBearerTokenResolver();

    @Property(tries = 3000)
    void judgesHeaderNamesAndValuesAsTheFirewallDoes(@ForAll("headerText") String text) {
        assertThat(HeaderSyntax.allowedName(text)).isEqualTo(NAMES.matcher(text).matches());
        assertThat(HeaderSyntax.allowedValue(text))
                .isEqualTo(VALUES.matcher(text).matches());
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
                Arbitraries.of("Bearer", "bearer", "BEARER", "Bearer ", "Bearer  ", "Bearer", "Basic ", "Bear", "");
        Arbitrary<String> rest = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-._~+/= \t!").ofMaxLength(10),
                Arbitraries.strings().all().ofMaxLength(6));
        return scheme.flatMap(s -> rest.map(r -> s + r));
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
