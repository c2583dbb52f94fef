package org.bankapi.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.bankapi.web.error.ProblemException;

/**
 * {@code ?limit=&cursor=} checked: limit 1 to 200 (default 50); the cursor is the opaque form of
 * the last id seen, so the next page continues with a keyset condition, never an OFFSET.
 */
public record PageRequest(int limit, Long afterId) {

    public static final int LIMIT_DEFAULT = 50;
    public static final int LIMIT_MAX = 200;
    private static final String CURSOR_PREFIX = "id:";

    public static PageRequest of(Integer limit, String cursor) {
        return of(limit, cursor, LIMIT_DEFAULT, LIMIT_MAX);
    }

    /** For lists with other bounds (a statement: 1 to 1,000, default 200). */
    public static PageRequest of(Integer limit, String cursor, int limitDefault, int limitMax) {
        int size = limit == null ? limitDefault : limit;
        if (size < 1 || size > limitMax) {
            throw ProblemException.validation("limit", "must be between 1 and " + limitMax);
        }
        return new PageRequest(size, cursor == null || cursor.isEmpty() ? null : decode(cursor));
    }

    /** Asks the repository for one row more than the limit, to know whether there is a next page. */
    public int fetchSize() {
        return limit + 1;
    }

    public <R, T> Page<T> page(List<R> rows, ToLongFunction<R> id, Function<R, T> view) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        String next = more ? encode(id.applyAsLong(shown.getLast())) : null;
        return new Page<>(shown.stream().map(view).toList(), next);
    }

    static String encode(long id) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((CURSOR_PREFIX + id).getBytes(StandardCharsets.UTF_8));
    }

    private static long decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(CURSOR_PREFIX)) {
                throw new IllegalArgumentException("no prefix");
            }
            return Long.parseLong(text.substring(CURSOR_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw ProblemException.validation("cursor", "is not a cursor this service issued");
        }
    }
}
