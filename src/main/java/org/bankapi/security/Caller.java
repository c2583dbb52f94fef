package org.bankapi.security;

import org.bankapi.web.error.ProblemException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who is calling: the token's {@code sub}, and whether its roles make it an admin. */
public record Caller(String subject, boolean admin) {

    public static final String ROLE_ADMIN = "ROLE_ADMIN";
    public static final String ROLE_CUSTOMER = "ROLE_CUSTOMER";

    /** The authenticated caller of the current request. */
    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken jwt)) {
            throw new IllegalStateException("no authenticated caller on this thread");
        }
        boolean admin = jwt.getAuthorities().stream().anyMatch(a -> ROLE_ADMIN.equals(a.getAuthority()));
        return new Caller(jwt.getName(), admin);
    }

    public void requireAdmin() {
        if (!admin) {
            throw ProblemException.forbidden("this needs the admin role");
        }
    }

    /** The owner a customer is restricted to; null for an admin, who may act on any account. */
    public String ownerRestriction() {
        return admin ? null : subject;
    }
}
