package org.bankapi;

import java.security.CodeSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.bankapi.config.ConfigurationException;
import org.bankapi.config.DatabaseUrl;
import org.bankapi.config.Subcommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.metrics.jfr.FlightRecorderApplicationStartup;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.util.ClassUtils;

/**
 * The production entry point: {@code serve} (default), {@code consume}, {@code init-db}, {@code token},
 * {@code rotate-keys}. Settings are checked before Spring starts, so bad configuration ends the
 * start with one line naming the variable instead of a stack trace.
 */
@SpringBootApplication
@EnableScheduling
public class BankingApplication {

    /** {@code -Dbank.startup-steps=true} records Spring's start-up steps as JFR events (with -XX:StartFlightRecording). */
    static final String STARTUP_STEPS_PROPERTY = "bank.startup-steps";

    /** Set by Spring's AOT processor while the build generates the bean definitions of {@code serve}. */
    static final String AOT_PROCESSING_PROPERTY = "spring.aot.processing";

    /** {@code -Dspring.aot.enabled=true} starts from the build's pre-computed bean definitions. */
    static final String AOT_ENABLED_PROPERTY = "spring.aot.enabled";

    /** What the build's process-aot step generates for {@code serve}, beside this class. */
    static final String AOT_INITIALIZER = BankingApplication.class.getName() + "__ApplicationContextInitializer";

    public static void main(String[] args) {
        int status = run(args, BankingApplication::lookup);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs a subcommand; returns the process exit status (0 while a server keeps running). */
    static int run(String[] args, Function<String, String> env) {
        Optional<Subcommand> named = args.length > 0 ? Subcommand.named(args[0]) : Optional.empty();
        Subcommand command = named.orElse(Subcommand.SERVE);
        String[] rest = named.isPresent() ? Arrays.copyOfRange(args, 1, args.length) : args;
        try {
            Settings settings = Settings.from(env);
            return switch (command) {
                case TOKEN -> Commands.token(settings, rest, System.out);
                case INIT_DB -> Commands.initDb(requireDatabase(settings));
                case ROTATE_KEYS -> Commands.rotateKeys(start(command, settings, rest), System.out);
                case SERVE, CONSUME -> {
                    start(command, settings, rest);
                    yield 0;
                }
            };
        } catch (ConfigurationException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        }
    }

    static ConfigurableApplicationContext start(Subcommand command, Settings settings, String[] args) {
        if (command == Subcommand.CONSUME && settings.kafka().bootstrapServers() == null) {
            throw new ConfigurationException(
                    "KAFKA_BOOTSTRAP_SERVERS", "is required by consume (host:port[,host:port])");
        }
        DatabaseUrl database = requireDatabase(settings);
        if (command != Subcommand.SERVE) {
            // the build froze the conditions of `serve` (rotate-keys, for one, runs without a web server)
            System.setProperty(AOT_ENABLED_PROPERTY, "false");
        } else if (aotByDefault(
                System.getProperty(AOT_ENABLED_PROPERTY),
                codeSource(),
                ClassUtils.isPresent(AOT_INITIALIZER, BankingApplication.class.getClassLoader()))) {
            System.setProperty(AOT_ENABLED_PROPERTY, "true");
        }
        SpringApplication app = new SpringApplication(BankingApplication.class);
        if (Boolean.getBoolean(STARTUP_STEPS_PROPERTY)) {
            // each start-up step (bean creation, configuration parsing, ...) becomes a JFR event: see
            // scripts/benchmark.sh PROFILE=1
            app.setApplicationStartup(new FlightRecorderApplicationStartup());
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", database.jdbcUrl());
        if (database.username() != null) {
            properties.put("spring.datasource.username", database.username());
        }
        if (database.password() != null) {
            properties.put("spring.datasource.password", database.password());
        }
        properties.put("server.port", settings.process().port());
        properties.put("bank.command", command.wireName());
        if (command == Subcommand.ROTATE_KEYS) {
            properties.put("spring.main.web-application-type", "none");
        }
        app.addInitializers(context -> context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource("bank-settings", properties)));
        try {
            return app.run(args);
        } catch (RuntimeException e) {
            // a check during start-up (e.g. Key Vault unreachable with encrypted data) ends it with its one line
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigurationException configuration) {
                    throw configuration;
                }
            }
            throw e;
        }
    }

    /**
     * {@code serve} started from the built jar (the Boot jar or its extracted form) uses the bean
     * definitions the build computed for it, unless {@code -Dspring.aot.enabled} says otherwise: it skips
     * parsing the configuration classes at every start. From a classes directory (tests, {@code test-run},
     * an IDE) the context differs from the build's, so it never does.
     */
    static boolean aotByDefault(String explicitSetting, String codeSource, boolean initializerPresent) {
        return explicitSetting == null && initializerPresent && codeSource != null && codeSource.contains(".jar");
    }

    private static String codeSource() {
        CodeSource source = BankingApplication.class.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null
                ? null
                : source.getLocation().toString();
    }

    /** DATABASE_URL must be set and reachable before anything else starts. */
    static DatabaseUrl requireDatabase(Settings settings) {
        if (Boolean.getBoolean(AOT_PROCESSING_PROPERTY)) {
            // the build's process-aot step only registers bean definitions: nothing connects
            return DatabaseUrl.parse("postgresql://aot@127.0.0.1:1/aot");
        }
        DatabaseUrl database = settings.process().database();
        if (database == null) {
            throw new ConfigurationException("DATABASE_URL", "is required (postgresql://user:pass@host:port/db)");
        }
        Properties props = new Properties();
        if (database.username() != null) {
            props.setProperty("user", database.username());
        }
        if (database.password() != null) {
            props.setProperty("password", database.password());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(database.jdbcUrl(), props)) {
            return database;
        } catch (SQLException e) {
            String reason = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigurationException("DATABASE_URL", "cannot connect to the database (" + reason + ")");
        }
    }

    static String lookup(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }
}
