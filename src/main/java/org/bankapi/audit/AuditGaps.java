package org.bankapi.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit ids this sealer stepped over because they were not committed yet (or never will be: a
 * rollback): the places where a late row can appear, so that a round looks there instead of
 * probing every id of a window. A bounded memory; the sealer's window scans cover what it forgets.
 */
final class AuditGaps {

    private final int gapsMax;
    private final Duration gapAgeMax;
    /** gap id → when it was first stepped over */
    private final TreeMap<Long, Instant> gaps = new TreeMap<>();

    AuditGaps(int gapsMax, Duration gapAgeMax) {
        if (gapsMax <= 0 || gapAgeMax.isNegative() || gapAgeMax.isZero()) {
            throw new IllegalArgumentException("gapsMax and gapAgeMax must be positive");
        }
        this.gapsMax = gapsMax;
        this.gapAgeMax = gapAgeMax;
    }

    /**
     * Records the ids between {@code newestSealedId} and the last of {@code sealedIds} (ascending, all
     * above it) that were not among them. Ids beyond the bound are not remembered.
     */
    void steppedOver(long newestSealedId, long[] sealedIds, Instant now) {
        long previous = newestSealedId;
        for (long id : sealedIds) {
            if (id <= previous) {
                throw new IllegalStateException("audit ids out of order: " + id + " after " + previous);
            }
            for (long gap = previous + 1; gap < id && gaps.size() < gapsMax; gap++) {
                gaps.putIfAbsent(gap, now);
            }
            previous = id;
        }
    }

    /** Forgets gaps older than the age bound (a transaction that old is not coming back); returns the rest, ascending. */
    long[] open(Instant now) {
        Instant cutoff = now.minus(gapAgeMax);
        for (Iterator<Map.Entry<Long, Instant>> it = gaps.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().isBefore(cutoff)) {
                it.remove();
            }
        }
        return gaps.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** The row of this id is committed and sealed (by this sealer or another). */
    void closed(long id) {
        gaps.remove(id);
    }
}
