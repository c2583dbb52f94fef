package org.bankapi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.bankapi.Settings;
import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

/** The Logstash TCP appender against a real socket standing in for Logstash's tcp/json_lines input. */
class LogstashShippingTest extends ApiTest {

    @Test
    void shipsTheSameEcsJsonLinesToLogstashOverTcp() throws Exception {
        String run = UUID.randomUUID().toString();
        try (ServerSocket logstash = new ServerSocket(0)) {
            logstash.setSoTimeout(15_000);
            LogstashShipping shipping = shipping(logstash.getLocalPort());
            try (Socket connection = logstash.accept();
                    BufferedReader lines = new BufferedReader(
                            new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
                connection.setSoTimeout(15_000);
                Logger log = LoggerFactory.getLogger(LogstashShippingTest.class);
                MDC.put("http.request.id", "ship-" + run);
                try {
                    log.atInfo().addKeyValue("event.action", "shipping-test").log("Shipped line {}", run);
                } finally {
                    MDC.remove("http.request.id");
                }
                JsonNode shipped = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.contains(run)) {
                        shipped = Api.JSON.readTree(line);
                        break;
                    }
                }
                assertThat(shipped).isNotNull();
                assertThat(ObservabilityApiTest.text(shipped, "message")).isEqualTo("Shipped line " + run);
                assertThat(ObservabilityApiTest.text(shipped, "http.request.id"))
                        .isEqualTo("ship-" + run);
                assertThat(ObservabilityApiTest.text(shipped, "event.action")).isEqualTo("shipping-test");
                assertThat(ObservabilityApiTest.text(shipped, "service.name")).isEqualTo("banking-transaction-api");
                assertThat(ObservabilityApiTest.text(shipped, "log.level")).isEqualTo("INFO");
            } finally {
                shipping.destroy();
            }
        }
    }

    @Test
    void neverMakesLoggingOrRequestsWaitWhenLogstashIsAway() throws Exception {
        int nobodyListens;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobodyListens = socket.getLocalPort();
        }
        LogstashShipping shipping = shipping(nobodyListens);
        try {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            ch.qos.logback.classic.Logger logger = context.getLogger("org.bankapi.logstash-away");
            Appender<ILoggingEvent> appender = appender();
            long started = System.nanoTime();
            for (int i = 0; i < 3 * LogstashShipping.RING_BUFFER_SIZE; i++) {
                appender.doAppend(new LoggingEvent(
                        LogstashShippingTest.class.getName(), logger, Level.INFO, "line " + i, null, null));
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(elapsedMs)
                    .as("ms to log past a full ring buffer with Logstash away")
                    .isLessThan(3_000);
            Api api = api();
            long request = System.nanoTime();
            assertThat(api.as(api.adminToken()).get("/accounts?limit=1").status())
                    .isEqualTo(200);
            assertThat((System.nanoTime() - request) / 1_000_000).isLessThan(3_000);
        } finally {
            long stopping = System.nanoTime();
            shipping.destroy();
            assertThat((System.nanoTime() - stopping) / 1_000_000)
                    .as("ms to stop with lines queued for an absent Logstash")
                    .isLessThan(LogstashShipping.SHUTDOWN_GRACE_S * 1_000L + 3_000);
        }
    }

    private static LogstashShipping shipping(int port) {
        Settings settings =
                Settings.from(Map.of("LOGSTASH_HOST", "127.0.0.1", "LOGSTASH_PORT", Integer.toString(port))::get);
        LogstashShipping shipping = new LogstashShipping(settings.logstash());
        shipping.afterPropertiesSet();
        assertThat(appender()).isNotNull();
        return shipping;
    }

    /** The appender the shipping added to the root logger, as logback holds it. */
    private static Appender<ILoggingEvent> appender() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogstashShipping.APPENDER_NAME);
    }
}
