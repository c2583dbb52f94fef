package org.bankapi.observability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.util.Duration;
import net.logstash.logback.appender.LogstashTcpSocketAppender;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.stereotype.Component;

/**
 * With LOGSTASH_HOST/LOGSTASH_PORT, also ships every log line, in the same ECS JSON as stdout, to
 * Logstash over TCP (json_lines). The appender is asynchronous with a bounded ring buffer: a request
 * never waits for Logstash; while it is away, lines beyond the buffer are dropped and the appender
 * keeps reconnecting.
 */
@Component
class LogstashShipping implements InitializingBean, DisposableBean {

    static final String APPENDER_NAME = "LOGSTASH";
    static final int RING_BUFFER_SIZE = 8192;
    /** How long a shutdown waits for queued lines to reach Logstash (the library's default is a minute). */
    static final int SHUTDOWN_GRACE_S = 2;

    private final LogstashSettings settings;
    private LogstashTcpSocketAppender appender;

    LogstashShipping(LogstashSettings settings) {
        this.settings = settings;
    }

    @Override
    public void afterPropertiesSet() {
        if (!settings.enabled() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        // Boot's own "ecs" writes the same lines, slower: the fallback should a Boot upgrade move its formatter
        encoder.setFormat(EcsFormat.usable() ? EcsFormat.class.getName() : "ecs");
        encoder.start();
        LogstashTcpSocketAppender tcp = new LogstashTcpSocketAppender();
        tcp.setName(APPENDER_NAME);
        tcp.setContext(context);
        tcp.addDestination(settings.host() + ":" + settings.port());
        tcp.setEncoder(encoder);
        tcp.setRingBufferSize(RING_BUFFER_SIZE);
        tcp.setAppendTimeout(Duration.buildByMilliseconds(0));
        tcp.setReconnectionDelay(Duration.buildBySeconds(2));
        tcp.setConnectionTimeout(Duration.buildBySeconds(2));
        tcp.setWriteTimeout(Duration.buildBySeconds(5));
        tcp.setKeepAliveDuration(Duration.buildByMinutes(1));
        tcp.setShutdownGracePeriod(Duration.buildBySeconds(SHUTDOWN_GRACE_S));
        tcp.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(tcp);
        appender = tcp;
        LoggerFactory.getLogger(LogstashShipping.class)
                .info("Shipping logs to Logstash at {}:{}", settings.host(), settings.port());
    }

    @Override
    public void destroy() {
        if (appender != null && appender.getContext() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
            appender = null;
        }
    }
}
