package org.bankapi.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.bankapi.observability.Rehearsal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/** The limit counts a principal's money requests; a warm-up rehearsal (rolled back) spends none of its tokens. */
class RateLimitFilterTest {

    private final RateLimitFilter filter = new RateLimitFilter(new RateLimitSettings(1, null));

    @AfterEach
    void forgetTheCaller() {
        SecurityContextHolder.clearContext();
    }

    private int post() throws Exception {
        TestingAuthenticationToken caller = new TestingAuthenticationToken("warmup", null, "ROLE_admin");
        caller.setAuthenticated(true);
        SecurityContextHolder.getContext().setAuthentication(caller);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/transactions");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }

    @Test
    void rehearsalsPassAndLeaveThePrincipalsBucketFull() throws Exception {
        try (Rehearsal.Scope ignored = Rehearsal.begin()) {
            for (int i = 0; i < 10; i++) {
                assertThat(post()).as("rehearsal %d", i).isEqualTo(200);
            }
        }

        // a burst of twice the rate per second, then the refusal
        assertThat(post()).isEqualTo(200);
        assertThat(post()).isEqualTo(200);
        assertThat(post()).isEqualTo(429);
    }
}
