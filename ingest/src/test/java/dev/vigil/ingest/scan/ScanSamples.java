package dev.vigil.ingest.scan;

import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.ScanResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample reports from src/test/resources/samples/scan and the plumbing to run an adapter on them. */
final class ScanSamples {

    static final Instant RECEIVED = Instant.parse("2024-11-24T08:00:00.123Z");
    static final SecretHasher HASHER = new SecretHasher("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final Map<String, String> REPO = Map.of("repository", "github.com/acme/shop");

    private ScanSamples() {}

    static byte[] bytes(String path) {
        try (InputStream in = ScanSamples.class.getResourceAsStream("/samples/scan/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawInput input(String mediaType, Map<String, String> params, byte[] body) {
        return RawInput.of("acme", mediaType, Map.of(), params, body, RECEIVED);
    }

    static RawInput input(String path, Map<String, String> params) {
        return input("application/json", params, bytes(path));
    }

    /** As the endpoint does: redact, then normalize what was kept. */
    static List<ScanResult> run(ScanAdapter adapter, RawInput input) throws InvalidInputException {
        RawInput kept = adapter.redact(input);
        return adapter.normalize(kept).stream()
                .map(n -> ((Normalized.Scan) n).scan())
                .toList();
    }

    static List<ScanResult> run(ScanAdapter adapter, String path) throws InvalidInputException {
        return run(adapter, input(path, REPO));
    }

    static List<Finding> findings(List<ScanResult> scans) {
        return scans.stream().flatMap(s -> s.getFindings().stream()).toList();
    }

    static ScanAdapter adapter(ScanFormat format) {
        return (ScanAdapter) ScanAdapters.all(HASHER).stream()
                .map(a -> (ScanAdapter) a)
                .filter(a -> a.format() == format)
                .findFirst()
                .orElseThrow();
    }
}
