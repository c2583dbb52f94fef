package org.bankapi.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditGapsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void remembersTheIdsSteppedOverAboveTheNewestSeal() {
        AuditGaps gaps = new AuditGaps(100, Duration.ofMinutes(10));
        gaps.steppedOver(10, new long[] {11, 14, 15, 18}, T0);
        assertThat(gaps.open(T0)).containsExactly(12, 13, 16, 17);
    }

    @Test
    void closesAGapOnceItsRowIsSealed() {
        AuditGaps gaps = new AuditGaps(100, Duration.ofMinutes(10));
        gaps.steppedOver(0, new long[] {3}, T0);
        gaps.closed(1);
        assertThat(gaps.open(T0)).containsExactly(2);
    }

    @Test
    void forgetsGapsOlderThanTheAgeBoundAndKeepsTheirFirstSighting() {
        AuditGaps gaps = new AuditGaps(100, Duration.ofMinutes(10));
        gaps.steppedOver(0, new long[] {2}, T0);
        gaps.steppedOver(2, new long[] {4}, T0.plus(Duration.ofMinutes(6)));
        // a later look at an old gap does not make it younger
        gaps.steppedOver(0, new long[] {2, 4}, T0.plus(Duration.ofMinutes(9)));
        assertThat(gaps.open(T0.plus(Duration.ofMinutes(11)))).containsExactly(3);
        assertThat(gaps.open(T0.plus(Duration.ofMinutes(17)))).isEmpty();
    }

    @Test
    void remembersNoMoreThanItsBound() {
        AuditGaps gaps = new AuditGaps(5, Duration.ofMinutes(10));
        gaps.steppedOver(0, new long[] {1_000_000}, T0);
        assertThat(gaps.open(T0)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void refusesIdsOutOfOrder() {
        AuditGaps gaps = new AuditGaps(5, Duration.ofMinutes(10));
        assertThatThrownBy(() -> gaps.steppedOver(10, new long[] {12, 11}, T0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> gaps.steppedOver(10, new long[] {10}, T0)).isInstanceOf(IllegalStateException.class);
    }
}
