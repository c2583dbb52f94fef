package org.bankapi.statement;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.bankapi.web.error.ProblemException;

/**
 * RFC 3339 instants of query parameters, read strictly (date, time and an offset or Z) and brought to
 * the database's microsecond precision in the direction that keeps each bound's meaning exact.
 */
final class Instants {

    private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendOffset("+HH:MM", "Z")
            .toFormatter(Locale.ROOT);
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Instants() {}

    /** The instant a parameter names, or a 400 naming the parameter. */
    static Instant parse(String field, String text) {
        try {
            Instant instant = OffsetDateTime.parse(text.trim(), RFC_3339).toInstant();
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw ProblemException.validation(field, "must lie between 1970 and 9999");
            }
            return instant;
        } catch (DateTimeException e) {
            throw ProblemException.validation(
                    field,
                    "must be an RFC 3339 instant such as 2026-01-31T23:00:00Z"
                            + " (an offset's + written as %2B in a URL)");
        }
    }

    /** The first microsecond at or after {@code instant}: {@code t >= instant} iff {@code t >= ceil(instant)} for stored times. */
    static Instant ceilMicros(Instant instant) {
        Instant floor = instant.truncatedTo(ChronoUnit.MICROS);
        return floor.equals(instant) ? floor : floor.plus(1, ChronoUnit.MICROS);
    }

    /** The last microsecond at or before {@code instant}. */
    static Instant floorMicros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
