package org.bankapi.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Durations as operators write them, in the environment and on the command line alike: whole seconds
 * ({@code 90}), a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d})
 * or ISO-8601 ({@code PT1M}).
 */
public final class Durations {

    private Durations() {}

    /** The duration the text names; empty when it names none. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            if (text.matches("\\d+")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            }
            if (text.matches("\\d+(ms|s|m|h|d)")) {
                long amount = Long.parseLong(text.replaceAll("\\D", ""));
                return Optional.of(
                        switch (text.replaceAll("\\d", "")) {
                            case "ms" -> Duration.ofMillis(amount);
                            case "s" -> Duration.ofSeconds(amount);
                            case "m" -> Duration.ofMinutes(amount);
                            case "h" -> Duration.ofHours(amount);
                            default -> Duration.ofDays(amount);
                        });
            }
            return Optional.of(Duration.parse(text));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
