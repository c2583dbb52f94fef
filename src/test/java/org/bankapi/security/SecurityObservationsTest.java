package org.bankapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.bankapi.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Spring Security's per-filter observations are off (their cost per request), the request timer is not. */
class SecurityObservationsTest extends ApiTest {

    @Autowired
    ObservationRegistry registry;

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
        assertThat(api().anonymous().get("/health").status()).isEqualTo(200);
        assertThat(api().anonymous().get("/metrics").text()).contains("http_server_requests_seconds_count");
    }
}
