package dev.vigil.streams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streams app alone in a JVM, so a test can kill it with SIGKILL mid-transaction. Arguments
 * are {@code key=value} config entries.
 */
public final class StreamsAppChild {

    private StreamsAppChild() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        StreamsApp app = StreamsApp.start(StreamsAppConfig.of(values));
        app.waitUntilRunning(Duration.ofMinutes(2));
        System.out.println("VIGIL-STREAMS-RUNNING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
