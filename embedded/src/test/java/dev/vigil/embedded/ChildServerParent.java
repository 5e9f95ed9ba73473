package dev.vigil.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A parent JVM for {@link ChildServerIT}: launches a Kafka child, prints its pid, then waits to be killed. Never
 * closes the child: only the stdin pipe can end it.
 */
public final class ChildServerParent {

    private ChildServerParent() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ChildServer child = ChildServer.launch(
                "kafka",
                KafkaServerMain.class,
                List.of("--data", dir.resolve("kafka").toString(), "--port", "0"),
                dir.resolve("kafka.log"),
                Duration.ofSeconds(90));
        System.out.println("CHILD-PID " + child.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
