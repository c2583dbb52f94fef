package org.bankapi.observability;

/**
 * The code of the problem body the request on this thread was answered with, whichever layer wrote it
 * (controller advice, security, a filter): noted where every problem body is built, read by the audit
 * filter and taken (read and cleared) by the outcome filter for its metric and log line. It is bound
 * to the thread, not the request, because filters answer before Spring's request context exists.
 */
public final class AnsweredProblem {

    private static final ThreadLocal<String> CODE = new ThreadLocal<>();

    private AnsweredProblem() {}

    public static void note(String code) {
        CODE.set(code);
    }

    /** The code noted on this thread since it was last taken, or null; leaves it in place. */
    public static String code() {
        return CODE.get();
    }

    /** The code noted on this thread since it was last taken, or null; clears it. */
    public static String take() {
        String code = CODE.get();
        CODE.remove();
        return code;
    }
}
