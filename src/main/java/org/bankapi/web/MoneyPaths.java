package org.bankapi.web;

import java.util.regex.Pattern;

/**
 * The state-changing POSTs of the API, in one place: the idempotency filter and the rate limit both
 * select their requests by them.
 */
public final class MoneyPaths {

    /** POSTs the posting engine books (open, move, reverse, hold, capture, void). */
    public static final Pattern BOOKED_BY_ENGINE =
            Pattern.compile("/accounts|/transactions|/transactions/[0-9]+/reverse|/holds|/holds/[0-9]+/(capture|void)");
    /** POSTs that change state in a database transaction of their own (close). */
    public static final Pattern CHANGED_OUTSIDE_ENGINE = Pattern.compile("/accounts/[0-9]+/close");

    private MoneyPaths() {}

    public static boolean bookedByEngine(String path) {
        return BOOKED_BY_ENGINE.matcher(path).matches();
    }

    public static boolean isStateChanging(String path) {
        return bookedByEngine(path) || CHANGED_OUTSIDE_ENGINE.matcher(path).matches();
    }
}
