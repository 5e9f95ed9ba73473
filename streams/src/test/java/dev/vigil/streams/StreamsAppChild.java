package dev.vigil.streams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streams app alone in a JVM, so a test can kill it with SIGKILL mid-transaction. Arguments
 * are {@code key=value} config entries, plus {@value #TEST_ENGINE} to evaluate with
 * {@link TestEngine} instead of the configured catalog.
 */
public final class StreamsAppChild {

    static final String TEST_ENGINE = "--test-engine";

    private StreamsAppChild() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        boolean testEngine = false;
        for (String arg : args) {
            if (arg.equals(TEST_ENGINE)) {
                testEngine = true;
                continue;
            }
            int eq = arg.indexOf('=');
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        StreamsAppConfig cfg = StreamsAppConfig.of(values);
        StreamsApp app = StreamsApp.start(cfg, testEngine ? new TestEngine() : StreamsApp.engineFor(cfg));
        app.waitUntilRunning(Duration.ofMinutes(2));
        System.out.println("VIGIL-STREAMS-RUNNING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
