package dev.vigil.embedded;

/**
 * Runs {@link EmbeddedElasticsearch} as a child JVM: {@code --data <dir> --port <port>}, then {@code VIGIL-READY
 * http://127.0.0.1:<port>} on stdout. Stops on stdin EOF or SIGTERM; a failure to start is one line on stderr and
 * exit code 2. Launch it with {@link ChildServer}.
 */
public final class ElasticsearchServerMain {

    private ElasticsearchServerMain() {}

    public static void main(String[] args) {
        ServerMain.run("elasticsearch", args, (dataDir, port) -> {
            EmbeddedElasticsearch es = EmbeddedElasticsearch.start(dataDir, port);
            return new ServerMain.Started(es, es.httpUrl());
        });
    }
}
