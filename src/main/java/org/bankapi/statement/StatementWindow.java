package org.bankapi.statement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bankapi.web.error.ProblemException;

/**
 * The time window of a statement: {@code from} inclusive, {@code to} exclusive, at most 366 days.
 * Without bounds it is the current calendar month in UTC; with one bound, the calendar month from
 * (or up to) that bound, so a window is always one month unless both ends are given.
 */
record StatementWindow(Instant from, Instant to) {

    static final Duration LENGTH_MAX = Duration.ofDays(366);

    StatementWindow {
        if (!from.isBefore(to)) {
            throw ProblemException.validation("from", "must be before to");
        }
        if (Duration.between(from, to).compareTo(LENGTH_MAX) > 0) {
            throw ProblemException.validation("to", "a statement covers at most " + LENGTH_MAX.toDays() + " days");
        }
    }

    static StatementWindow of(String fromText, String toText, Clock clock) {
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = parse("from", fromText, errors);
        Instant to = parse("to", toText, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        if (from == null && to == null) {
            ZonedDateTime monthStart = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)
                    .truncatedTo(ChronoUnit.DAYS)
                    .withDayOfMonth(1);
            from = monthStart.toInstant();
            to = monthStart.plusMonths(1).toInstant();
        } else if (to == null) {
            to = from.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        } else if (from == null) {
            from = to.atZone(ZoneOffset.UTC).minusMonths(1).toInstant();
        }
        return new StatementWindow(from, to);
    }

    private static Instant parse(String field, String text, Map<String, String> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instants.parse(field, text);
        } catch (ProblemException e) {
            errors.putAll(e.fieldErrors());
            return null;
        }
    }

    /** The first stored microsecond inside the window. */
    Instant fromMicros() {
        return Instants.ceilMicros(from);
    }

    /** The first stored microsecond after the window. */
    Instant toMicros() {
        return Instants.ceilMicros(to);
    }
}
