package org.bankapi.security;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;

/**
 * Spring Security's header checks, written as loops over the characters: its firewall matches every
 * header value it hands out against a Unicode regex, and its bearer token resolver matches the token
 * against another, 8 % of a transfer's CPU in JFR for a 300-character Authorization header. The rules
 * are exactly theirs (HeaderSyntaxTest compares them on random strings).
 */
final class HeaderSyntax {

    private static final String BEARER = "Bearer";

    private HeaderSyntax() {}

    /** {@code StrictHttpFirewall}'s header names: {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}. */
    static boolean allowedName(String name) {
        return allowed(name, false);
    }

    /** {@code StrictHttpFirewall}'s header values: {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}. */
    static boolean allowedValue(String value) {
        return allowed(value, true);
    }

    private static boolean allowed(String s, boolean tab) {
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++;
                continue;
            }
            int codePoint = s.codePointAt(i);
            int type = Character.getType(codePoint);
            boolean allowed = type != Character.UNASSIGNED && (type != Character.CONTROL || (tab && codePoint == '\t'));
            if (!allowed) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    /**
     * {@code DefaultBearerTokenResolver}'s reading of an Authorization header (RFC 6750 §2.1): none
     * unless it starts with "bearer" in any case; then it must be {@code Bearer <token68>}, or the
     * request is refused as a malformed token.
     */
    static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        int start = BEARER.length() + 1;
        int end = authorization.length();
        if (end <= start || authorization.charAt(BEARER.length()) != ' ') {
            throw malformed();
        }
        int i = start;
        while (i < end && token68(authorization.charAt(i))) {
            i++;
        }
        if (i == start) {
            throw malformed();
        }
        while (i < end && authorization.charAt(i) == '=') {
            i++;
        }
        if (i != end) {
            throw malformed();
        }
        return authorization.substring(start);
    }

    private static boolean token68(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '+'
                || c == '/';
    }

    private static OAuth2AuthenticationException malformed() {
        return new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
    }
}
