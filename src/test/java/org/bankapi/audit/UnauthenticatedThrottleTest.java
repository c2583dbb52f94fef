package org.bankapi.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnauthenticatedThrottleTest {

    @Test
    void admitsUpToTheLimitPerSecondAndReportsWhatItLeftOutWithTheNextRow() {
        UnauthenticatedThrottle throttle = new UnauthenticatedThrottle();
        for (int i = 0; i < UnauthenticatedThrottle.ROWS_PER_SECOND_MAX; i++) {
            assertThat(throttle.admit(100)).isZero();
        }
        assertThat(throttle.admit(100)).isEqualTo(-1);
        assertThat(throttle.admit(100)).isEqualTo(-1);
        assertThat(throttle.admit(101))
                .as("the next second's first row carries the count")
                .isEqualTo(2);
        assertThat(throttle.admit(101)).isZero();
    }
}
