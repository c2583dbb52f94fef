package org.bankapi.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a warm-up worker may stop: its rounds no longer get faster and the JIT has caught up, or its rounds are fast. */
class WarmupProgressTest {

    private final AtomicLong jitMs = new AtomicLong();
    private final AtomicLong wallMs = new AtomicLong();

    private Warmup.Progress progress(long roundMsTarget) {
        return new Warmup.Progress(TimeUnit.MILLISECONDS.toNanos(roundMsTarget), jitMs::get, wallMs::get);
    }

    /** One window of rounds of {@code roundMs} each, during which the JIT compiled for {@code jitShare} of the time. */
    private void window(Warmup.Progress progress, long roundMs, double jitShare) {
        for (int i = 0; i < Warmup.PLATEAU_WINDOW_ROUNDS; i++) {
            wallMs.addAndGet(roundMs);
            jitMs.addAndGet(Math.round(roundMs * jitShare));
            progress.record(TimeUnit.MILLISECONDS.toNanos(roundMs));
        }
    }

    @Test
    void keepsGoingWhileTheRoundsGetFaster() {
        Warmup.Progress progress = progress(0);
        for (long roundMs = 200; roundMs > 20; roundMs = roundMs * 8 / 10) {
            window(progress, roundMs, 0.0);
            assertThat(progress.enough())
                    .as("rounds of %d ms, still falling", roundMs)
                    .isFalse();
        }
    }

    @Test
    void keepsGoingOnAPlateauWhileTheJitIsStillCompiling() {
        Warmup.Progress progress = progress(0);
        window(progress, 30, 1.5);
        for (int i = 0; i < Warmup.PLATEAU_WINDOWS + 3; i++) {
            window(progress, 30, 1.0);
        }
        assertThat(progress.enough()).isFalse();

        window(progress, 30, 0.05);
        assertThat(progress.enough()).as("flat rounds, the JIT quiet").isTrue();
    }

    @Test
    void stopsAfterEnoughFlatWindowsOnceTheJitIsQuiet() {
        Warmup.Progress progress = progress(0);
        window(progress, 30, 0.0);
        for (int i = 0; i < Warmup.PLATEAU_WINDOWS - 1; i++) {
            window(progress, 30, 0.0);
            assertThat(progress.enough()).as("%d flat windows", i + 1).isFalse();
        }
        window(progress, 31, 0.0);
        assertThat(progress.enough()).isTrue();
    }

    @Test
    void stopsOnceTheRoundsAreFasterThanTheTarget() {
        Warmup.Progress progress = progress(5);
        for (int i = 0; i < Warmup.FAST_ROUNDS_ENOUGH - 1; i++) {
            wallMs.addAndGet(2);
            jitMs.addAndGet(2);
            progress.record(TimeUnit.MILLISECONDS.toNanos(2));
        }
        assertThat(progress.enough()).isFalse();
        progress.record(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(progress.enough()).isTrue();
    }
}
