package org.bankapi.observability;

/**
 * Marks a request of the start-up warm-up that exercises the write path: the posting engine books it in
 * full on the caller's thread and rolls the transaction back, and the audit and error counters leave it
 * out, so that no row, event, balance, metric or audit entry ever shows it. Thread-bound, as
 * {@link AnsweredProblem} is: written by {@code warmup.RehearsalFilter} only (docs/performance.md, "Warm
 * from the first second").
 */
public final class Rehearsal {

    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

    private Rehearsal() {}

    /** The current thread's request is a rehearsal until the scope closes. */
    public static Scope begin() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("a rehearsal is already running on this thread");
        }
        ACTIVE.set(Boolean.TRUE);
        return ACTIVE::remove;
    }

    /** True inside {@link #begin()}'s scope: whatever this thread books is rolled back. */
    public static boolean active() {
        return ACTIVE.get() != null;
    }

    /** Ends the rehearsal; close it in a finally block (try-with-resources). */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
