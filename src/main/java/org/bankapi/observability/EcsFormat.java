package org.bankapi.observability;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.lang.reflect.Constructor;
import java.nio.charset.Charset;
import org.springframework.boot.logging.StackTracePrinter;
import org.springframework.boot.logging.structured.ContextPairs;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;
import org.springframework.core.env.Environment;

/**
 * Boot's ECS lines, turned into bytes in one step. Boot's own encoder writes each line through an
 * {@code OutputStreamWriter} one character at a time (spring-boot#49428), 9 % of a transfer's CPU in
 * JFR; this format lets Boot's ECS formatter write the line into a string and encodes that once, so
 * every byte of a line stays Boot's (EcsFormatTest compares the two).
 */
public final class EcsFormat implements StructuredLogFormatter<ILoggingEvent> {

    private static final String BOOT_ECS =
            "org.springframework.boot.logging.logback.ElasticCommonSchemaStructuredLogFormatter";

    /** Boot's package-private ECS formatter's constructor, looked up once; null should an upgrade move it. */
    private static final Constructor<?> BOOT_ECS_CONSTRUCTOR = bootEcsConstructor();

    private final StructuredLogFormatter<ILoggingEvent> ecs;

    /** Called by Boot's {@code Instantiator} with the parameters it hands its own ECS formatter. */
    public EcsFormat(
            Environment environment,
            StackTracePrinter stackTracePrinter,
            ContextPairs contextPairs,
            ThrowableProxyConverter throwableProxyConverter,
            StructuredLoggingJsonMembersCustomizer.Builder<?> customizerBuilder) {
        this.ecs = bootEcs(environment, stackTracePrinter, contextPairs, throwableProxyConverter, customizerBuilder);
    }

    @Override
    public String format(ILoggingEvent event) {
        return ecs.format(event);
    }

    @Override
    public byte[] formatAsBytes(ILoggingEvent event, Charset charset) {
        return ecs.format(event).getBytes(charset);
    }

    /** Whether this Boot still has the ECS formatter where this class reaches for it. */
    static boolean usable() {
        return BOOT_ECS_CONSTRUCTOR != null;
    }

    @SuppressWarnings("unchecked")
    private static StructuredLogFormatter<ILoggingEvent> bootEcs(Object... parameters) {
        String moved = "Spring Boot's ECS log formatter (" + BOOT_ECS
                + ") is not where this release expects it; set logging.structured.format.console=ecs"
                + " (the Logstash appender then falls back to it by itself)";
        if (!usable()) {
            throw new IllegalStateException(moved);
        }
        try {
            return (StructuredLogFormatter<ILoggingEvent>) BOOT_ECS_CONSTRUCTOR.newInstance(parameters);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(moved, e);
        }
    }

    private static Constructor<?> bootEcsConstructor() {
        try {
            Constructor<?> constructor = Class.forName(BOOT_ECS)
                    .getDeclaredConstructor(
                            Environment.class,
                            StackTracePrinter.class,
                            ContextPairs.class,
                            ThrowableProxyConverter.class,
                            StructuredLoggingJsonMembersCustomizer.Builder.class);
            constructor.setAccessible(true);
            return constructor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
