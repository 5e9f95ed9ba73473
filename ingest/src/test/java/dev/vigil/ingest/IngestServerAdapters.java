package dev.vigil.ingest;

import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.scan.SecretHasher;
import java.nio.charset.StandardCharsets;

/** Test access to the server's adapter order. */
public final class IngestServerAdapters {

    private IngestServerAdapters() {}

    /** Name of the adapter the server would pick for this input, or "none". */
    public static String firstAccepting(RawInput input) {
        SecretHasher hasher = new SecretHasher("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        return IngestServer.adapters(hasher).stream()
                .filter(a -> a.accepts(input))
                .map(InputAdapter::name)
                .findFirst()
                .orElse("none");
    }
}
