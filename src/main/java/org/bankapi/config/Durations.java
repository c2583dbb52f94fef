package org.bankapi.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Durations as operators write them, in the environment, on the command line and in {@code bank.*}
 * properties alike: a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 7d}), ISO-8601 ({@code PT1M}), or a bare number in the unit its setting names.
 */
public final class Durations {

    private Durations() {}

    /** The duration the text names, a bare number counting seconds; empty when it names none. */
    public static Optional<Duration> parse(String text) {
        return parse(text, ChronoUnit.SECONDS);
    }

    /** The duration the text names, a bare number counting {@code bareUnit}; empty when it names none. */
    public static Optional<Duration> parse(String text, ChronoUnit bareUnit) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            if (text.matches("\\d+")) {
                return Optional.of(Duration.of(Long.parseLong(text), bareUnit));
            }
            if (text.matches("\\d+(ns|us|ms|s|m|h|d)")) {
                long amount = Long.parseLong(text.replaceAll("\\D", ""));
                return Optional.of(Duration.of(amount, unit(text.replaceAll("\\d", ""))));
            }
            return Optional.of(Duration.parse(text));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static ChronoUnit unit(String suffix) {
        return switch (suffix) {
            case "ns" -> ChronoUnit.NANOS;
            case "us" -> ChronoUnit.MICROS;
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
    }
}
