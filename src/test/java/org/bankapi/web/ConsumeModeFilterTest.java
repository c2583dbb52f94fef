package org.bankapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ConsumeModeFilterTest {

    private static int status(String method, String path) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new ConsumeModeFilter().doFilter(new MockHttpServletRequest(method, path), response, chain);
        return chain.getRequest() == null ? response.getStatus() : 200;
    }

    @Test
    void theConsumerServesHealthAndMetricsOnly() throws Exception {
        assertThat(status("GET", "/health")).isEqualTo(200);
        assertThat(status("GET", "/health/ready")).isEqualTo(200);
        assertThat(status("GET", "/metrics")).isEqualTo(200);
        assertThat(status("GET", "/accounts")).isEqualTo(404);
        assertThat(status("POST", "/transactions")).isEqualTo(404);
        assertThat(status("GET", "/docs")).isEqualTo(404);
    }
}
