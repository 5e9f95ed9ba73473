package dev.vigil.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;

/**
 * The child-JVM protocol shared by {@link KafkaServerMain} and {@link ElasticsearchServerMain}: arguments
 * {@code --data <dir> --port <port>}; once serving, exactly one line {@code VIGIL-READY <endpoint>} on stdout (logs go
 * to stderr); a failure is one line on stderr and exit code 2. The server stops when stdin reaches EOF (the parent
 * closed it or died, even by kill -9) or on SIGTERM.
 */
final class ServerMain {

    static final String READY_PREFIX = "VIGIL-READY ";
    static final String ERROR_PREFIX = "VIGIL-ERROR ";
    static final int EXIT_FAILED = 2;

    interface Starter {
        Started start(Path dataDir, int port);
    }

    record Started(AutoCloseable server, String endpoint) {}

    private ServerMain() {}

    static void run(String name, String[] args, Starter starter) {
        // our hook stops the server and then logging; log4j's own hook would stop logging first
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        // stdout carries only the READY line: anything a library prints goes to stderr (the log)
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        Path dataDir = null;
        Integer port = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data" -> dataDir = Path.of(value(args, ++i, "--data"));
                    case "--port" -> port = parsePort(value(args, ++i, "--port"));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (dataDir == null || port == null) {
                throw new IllegalArgumentException("both --data <dir> and --port <port> are required");
            }
        } catch (RuntimeException e) {
            fail(name + ": " + e.getMessage() + " (usage: --data <dir> --port <port, 0 = any>)");
            return;
        }

        EmbeddedLogging.initForChild();
        Started started;
        try {
            started = starter.start(dataDir, port);
        } catch (Throwable e) {
            fail(name + ": " + oneLine(e));
            return;
        }
        AutoCloseable server = started.server();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            closeQuietly(name, server);
                            LogManager.shutdown();
                        },
                        "vigil-" + name + "-shutdown"));
        stdout.println(READY_PREFIX + started.endpoint());
        stdout.flush();

        awaitStdinEof(System.in);
        System.exit(0); // runs the shutdown hook, which stops the server
    }

    private static void awaitStdinEof(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // input is ignored; only its end matters
            }
        } catch (IOException e) {
            // a broken stdin means the parent is gone as well
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0-65535, was " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, was " + value);
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    private static void fail(String line) {
        System.err.println(ERROR_PREFIX + line.replaceAll("\\s*\\R\\s*", " "));
        System.err.flush();
        System.exit(EXIT_FAILED);
    }

    private static void closeQuietly(String name, AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            System.err.println(name + ": stopping failed: " + oneLine(e));
        }
    }
}
