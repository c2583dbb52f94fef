package org.bankapi.event;

import java.util.Arrays;

/**
 * Sorted outbox ids written compactly as runs, {@code 1-5,7,9-12}: the id list a relay transaction
 * carries on its last record stays a few bytes when ids are consecutive, as they nearly always are.
 */
final class IdRanges {

    private IdRanges() {}

    static String encode(long[] ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(sorted[i]);
            if (j > i) {
                out.append('-').append(sorted[j]);
            }
            i = j + 1;
        }
        return out.toString();
    }

    static long[] decode(String text) {
        if (text.isEmpty()) {
            return new long[0];
        }
        long[] ids = new long[16];
        int count = 0;
        for (String run : text.split(",")) {
            int dash = run.indexOf('-', 1);
            long first = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
            long last = dash < 0 ? first : Long.parseLong(run.substring(dash + 1));
            if (last < first || last - first > OutboxRelay.BATCH_SIZE_MAX) {
                throw new IllegalArgumentException("bad id run " + run);
            }
            for (long id = first; id <= last; id++) {
                if (count == ids.length) {
                    ids = Arrays.copyOf(ids, count * 2);
                }
                ids[count++] = id;
            }
        }
        return Arrays.copyOf(ids, count);
    }
}
