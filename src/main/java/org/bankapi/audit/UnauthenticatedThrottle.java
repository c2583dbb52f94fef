package org.bankapi.audit;

/**
 * Bounds the audit rows written for refused authentications: at most {@link #ROWS_PER_SECOND_MAX}
 * per second and instance. Beyond that they are only counted, and the next row admitted carries
 * the count, so a flood of bad tokens cannot become a flood of database writes yet none goes unseen.
 */
final class UnauthenticatedThrottle {

    static final int ROWS_PER_SECOND_MAX = 50;

    private long windowSecond = Long.MIN_VALUE;
    private int admittedInWindow;
    private long suppressedSinceLastRow;

    /** The number of refusals left out since the last admitted row (0 or more), or -1 when this one is left out too. */
    synchronized long admit(long epochSecond) {
        if (epochSecond != windowSecond) {
            windowSecond = epochSecond;
            admittedInWindow = 0;
        }
        if (admittedInWindow >= ROWS_PER_SECOND_MAX) {
            suppressedSinceLastRow++;
            return -1;
        }
        admittedInWindow++;
        long suppressed = suppressedSinceLastRow;
        suppressedSinceLastRow = 0;
        return suppressed;
    }
}
