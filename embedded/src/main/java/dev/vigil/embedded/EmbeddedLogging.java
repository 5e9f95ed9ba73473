package dev.vigil.embedded;

import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Both servers log through log4j2 (Elasticsearch directly, Kafka through slf4j and log4j-slf4j2-impl). Their INFO
 * output is over a thousand lines per start, so the server loggers default to WARN.
 *
 * <p>The level comes from {@code -Dvigil.embedded.log.level} (default {@code WARN}). A logger the application's own
 * log4j2 configuration names explicitly is left alone. When the JVM has no log4j2 configuration at all (log4j's
 * default: ERROR on stdout), a plain console configuration on stderr at that level replaces it; the child JVMs always
 * use it, and keep stdout for the READY line.
 */
final class EmbeddedLogging {

    static final String LEVEL_PROPERTY = "vigil.embedded.log.level";

    private static final List<String> SERVER_LOGGERS =
            List.of("kafka", "state.change.logger", "org.apache.kafka", "org.elasticsearch", "org.apache.lucene");

    private static boolean configured;

    private EmbeddedLogging() {}

    /** For in-process servers: respects an application configuration, sets the server loggers' level. */
    static synchronized void init() {
        if (!configured) {
            configured = true;
            LoggerContext context = LoggerContext.getContext(false);
            if (context.getConfiguration() instanceof DefaultConfiguration) {
                Configurator.reconfigure(consoleConfiguration(level()));
            }
        }
        quietServerLoggers();
    }

    /** For the child JVMs: this JVM is the server, so its whole configuration is ours. */
    static synchronized void initForChild() {
        configured = true;
        Configurator.reconfigure(consoleConfiguration(level()));
        quietServerLoggers();
    }

    private static void quietServerLoggers() {
        Level level = level();
        Configuration config = LoggerContext.getContext(false).getConfiguration();
        for (String name : SERVER_LOGGERS) {
            // getLoggerConfig returns the nearest configured ancestor; only an exact match is the application's choice
            if (!config.getLoggerConfig(name).getName().equals(name)) {
                Configurator.setLevel(name, level);
            }
        }
    }

    private static Level level() {
        String value = System.getProperty(LEVEL_PROPERTY, "WARN");
        return Level.toLevel(value.trim().toUpperCase(Locale.ROOT), Level.WARN);
    }

    private static BuiltConfiguration consoleConfiguration(Level level) {
        ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
        builder.setConfigurationName("vigil-embedded");
        builder.setStatusLevel(Level.ERROR);
        builder.add(builder.newAppender("stderr", "Console")
                .addAttribute("target", ConsoleAppender.Target.SYSTEM_ERR)
                .add(builder.newLayout("PatternLayout")
                        .addAttribute("pattern", "%d{ISO8601} %-5level [%t] %c{1.} - %msg%n%throwable")));
        builder.add(builder.newRootLogger(level).add(builder.newAppenderRef("stderr")));
        return builder.build();
    }
}
