package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.bankapi.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;

/** Spring Security's per-filter observations are off (their cost per request), the request timer is not. */
class SecurityObservationsTest extends ApiTest {

    @Autowired
    ObservationRegistry registry;

    @Autowired
    FilterChainProxy springSecurityFilterChain;

    @Test
    void securityFiltersAreNotObservedButRequestsAre() {
        Observation filters = Observation.start("spring.security.filterchains", registry);
        Observation requests = Observation.start("http.server.requests", registry);
        try {
            assertThat(filters.isNoop()).isTrue();
            assertThat(requests.isNoop()).isFalse();
        } finally {
            filters.stop();
            requests.stop();
        }
        assertThat(ReflectionTestUtils.getField(springSecurityFilterChain, "filterChainDecorator"))
                .as("the filters are not wrapped one by one for observation")
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
        assertThat(api().anonymous().get("/health").status()).isEqualTo(200);
        assertThat(api().anonymous().get("/metrics").text()).contains("http_server_requests_seconds_count");
    }
}
