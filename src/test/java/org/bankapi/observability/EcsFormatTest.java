package org.bankapi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.env.MockEnvironment;

/** The service's log format writes exactly Boot's ECS lines, byte for byte. */
class EcsFormatTest {

    @Test
    void writesTheSameBytesAsBootsEcsFormat() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.putObject(
                Environment.class.getName(),
                new MockEnvironment()
                        .withProperty("spring.application.name", "banking-transaction-api")
                        .withProperty("logging.structured.ecs.service.version", "9.9.9"));
        assertThat(EcsFormat.usable()).isTrue();
        StructuredLogEncoder boot = encoder(context, "ecs");
        StructuredLogEncoder ours = encoder(context, EcsFormat.class.getName());

        LoggingEvent plain = event(context, "Transaction processed: 7 transfer 0.01 EUR", null);
        LoggingEvent rich = event(context, "Kontoinhaber \"Jörg\" \u2013 tab\tand line\nend", new IOException("disk"));
        rich.setMDCPropertyMap(Map.of("http.request.id", "req-1", "user.id", "alice"));
        rich.addKeyValuePair(new KeyValuePair("event.action", "transaction-processed"));
        rich.addKeyValuePair(new KeyValuePair("bank.transaction.id", 7L));
        rich.addKeyValuePair(new KeyValuePair("bank.transaction.amount", new BigDecimal("0.01")));
        rich.addMarker(MarkerFactory.getMarker("AUDIT"));

        LoggingEvent surrogate = event(context, "half a pair \uD800 here", null);
        for (LoggingEvent event : new LoggingEvent[] {plain, rich, surrogate}) {
            byte[] expected = boot.encode(event);
            assertThat(new String(ours.encode(event), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8))
                    .endsWith("\n");
            assertThat(ours.encode(event)).isEqualTo(expected);
        }
        StructuredLogEncoder bootLatin1 = encoder(context, "ecs", StandardCharsets.ISO_8859_1);
        StructuredLogEncoder oursLatin1 = encoder(context, EcsFormat.class.getName(), StandardCharsets.ISO_8859_1);
        for (LoggingEvent event : new LoggingEvent[] {rich, surrogate}) {
            assertThat(oursLatin1.encode(event)).isEqualTo(bootLatin1.encode(event));
        }
        assertThat(new String(ours.encode(rich), StandardCharsets.UTF_8))
                .contains("\"user\":{\"id\":\"alice\"}", "Jörg", "\"type\":\"java.io.IOException\"");
    }

    @Test
    void isTheConsoleFormatOfTheService() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        assertThat(yaml.getObject().getProperty(LocalStartLogFormat.FORMAT)).isEqualTo(EcsFormat.class.getName());
    }

    private static StructuredLogEncoder encoder(LoggerContext context, String format) {
        return encoder(context, format, StandardCharsets.UTF_8);
    }

    private static StructuredLogEncoder encoder(LoggerContext context, String format, Charset charset) {
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.setCharset(charset);
        encoder.start();
        return encoder;
    }

    private static LoggingEvent event(LoggerContext context, String message, Throwable thrown) {
        LoggingEvent event = new LoggingEvent(
                EcsFormatTest.class.getName(),
                context.getLogger("org.bankapi.transaction.TransactionService"),
                Level.INFO,
                message,
                thrown,
                null);
        event.setInstant(Instant.parse("2026-12-03T12:00:27.565805715Z"));
        event.setThreadName("tomcat-handler-7110");
        return event;
    }
}
