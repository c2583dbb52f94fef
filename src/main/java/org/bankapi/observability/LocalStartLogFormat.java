package org.bankapi.observability;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * JSON logs are the default; the one-command local start ({@code bank.local-start=true}) prints
 * human-readable lines instead, unless the console format was chosen explicitly.
 */
public class LocalStartLogFormat implements EnvironmentPostProcessor {

    static final String FORMAT = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean localStart = Boolean.parseBoolean(environment.getProperty("bank.local-start", "false"));
        boolean chosen =
                System.getProperty(FORMAT) != null || System.getenv("LOGGING_STRUCTURED_FORMAT_CONSOLE") != null;
        if (localStart && !chosen) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource("bank-local-start-logging", Map.of(FORMAT, "")));
        }
    }
}
