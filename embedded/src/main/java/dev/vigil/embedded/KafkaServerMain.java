package dev.vigil.embedded;

/**
 * Runs {@link EmbeddedKafka} as a child JVM: {@code --data <dir> --port <port>}, then {@code VIGIL-READY
 * 127.0.0.1:<port>} on stdout. Stops on stdin EOF or SIGTERM; a failure to start is one line on stderr and exit code
 * 2. Launch it with {@link ChildServer}.
 */
public final class KafkaServerMain {

    private KafkaServerMain() {}

    public static void main(String[] args) {
        ServerMain.run("kafka", args, (dataDir, port) -> {
            EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port);
            return new ServerMain.Started(kafka, kafka.bootstrapServers());
        });
    }
}
