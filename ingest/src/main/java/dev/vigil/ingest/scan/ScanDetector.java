package dev.vigil.ingest.scan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.RawInput;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Tells which scanner wrote a report: the caller's {@code ?format=} first, then a format-specific
 * media type, then (for plain JSON) the top-level shape. CloudEvents media types are never a
 * scanner report: the CDEvents adapter owns them.
 *
 * <p>The shape is read by streaming over the top-level member names (and the first element of a
 * top-level array or of {@code results}), never building a tree, so sniffing a 10 MiB report is cheap.
 */
public final class ScanDetector {

    /**
     * Every scan adapter's {@code accepts} asks the same question of the same body; the last answer
     * per thread is remembered by body identity so a body is sniffed once, not once per adapter.
     */
    private static final ThreadLocal<Memo> LAST = new ThreadLocal<>();

    private record Memo(
            WeakReference<byte[]> body, String mediaType, String formatParam, Optional<ScanFormat> result) {}

    private ScanDetector() {}

    public static Optional<ScanFormat> detect(RawInput input) {
        String formatParam = input.param("format").orElse(null);
        Memo memo = LAST.get();
        if (memo != null
                && memo.body().get() == input.body()
                && memo.mediaType().equals(input.mediaType())
                && java.util.Objects.equals(memo.formatParam(), formatParam)) {
            return memo.result();
        }
        Optional<ScanFormat> result = detectUncached(input.mediaType(), formatParam, input.body());
        LAST.set(new Memo(new WeakReference<>(input.body()), input.mediaType(), formatParam, result));
        return result;
    }

    static Optional<ScanFormat> detectUncached(String mediaType, String formatParam, byte[] body) {
        if (formatParam != null) {
            return ScanFormat.byParam(formatParam);
        }
        String type = mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT);
        Optional<ScanFormat> byType = ScanFormat.byMediaType(type);
        if (byType.isPresent()) {
            return byType;
        }
        if (type.startsWith("application/cloudevents")) {
            return Optional.empty();
        }
        if (!ScanFormat.GENERIC_JSON.contains(type) && !type.endsWith("+json")) {
            return Optional.empty();
        }
        try {
            return sniff(body);
        } catch (IOException | RuntimeException e) {
            // Not JSON we can read: no scanner adapter claims it, so the client hears the 415 (or the
            // generic JSON adapter's own parse error) rather than a guess.
            return Optional.empty();
        }
    }

    static Optional<ScanFormat> sniff(byte[] body) throws IOException {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
                return fromArrayElement(objectKeys(p));
            }
            if (first != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Set<String> keys = new HashSet<>();
            Set<String> firstResultKeys = Set.of();
            String bomFormat = null;
            String schema = "";
            String version = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                keys.add(name);
                JsonToken value = p.nextToken();
                switch (name) {
                    case "bomFormat" -> bomFormat = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "$schema" -> schema = value == JsonToken.VALUE_STRING ? p.getText() : "";
                    case "version" -> version = value == JsonToken.VALUE_STRING ? p.getText() : "";
                    case "results" -> {
                        if (value == JsonToken.START_ARRAY) {
                            JsonToken element = p.nextToken();
                            if (element == JsonToken.START_OBJECT) {
                                firstResultKeys = objectKeys(p);
                            } else {
                                p.skipChildren();
                            }
                            if (element != JsonToken.END_ARRAY) {
                                skipRestOfArray(p);
                            }
                            continue;
                        }
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if ("CycloneDX".equals(bomFormat)) {
                return Optional.of(ScanFormat.CYCLONEDX);
            }
            if (keys.contains("runs")
                    && (schema.toLowerCase(Locale.ROOT).contains("sarif") || version.startsWith("2.1"))) {
                return Optional.of(ScanFormat.SARIF);
            }
            if (keys.contains("SchemaVersion") && (keys.contains("Results") || keys.contains("ArtifactName"))) {
                return Optional.of(ScanFormat.TRIVY);
            }
            if (keys.contains("matches") && (keys.contains("descriptor") || keys.contains("source"))) {
                return Optional.of(ScanFormat.GRYPE);
            }
            if (keys.contains("results")) {
                if (firstResultKeys.contains("check_id")) {
                    return Optional.of(ScanFormat.SEMGREP);
                }
                if (firstResultKeys.contains("packages") || keys.contains("experimental_config")) {
                    return Optional.of(ScanFormat.OSV);
                }
                if (firstResultKeys.isEmpty() && (keys.contains("paths") || keys.contains("errors"))) {
                    return Optional.of(ScanFormat.SEMGREP);
                }
            }
            return fromArrayElement(keys);
        }
    }

    /** A member set that identifies one finding/alert (a top-level array element or a lone object). */
    private static Optional<ScanFormat> fromArrayElement(Set<String> keys) {
        if (keys.contains("RuleID") && (keys.contains("Secret") || keys.contains("Match") || keys.contains("File"))) {
            return Optional.of(ScanFormat.GITLEAKS);
        }
        if (keys.contains("class_uid") || (keys.contains("finding_info") && keys.contains("status_code"))) {
            return Optional.of(ScanFormat.OCSF);
        }
        if (keys.contains("rule")
                && (keys.contains("agent") || keys.contains("manager"))
                && keys.contains("timestamp")) {
            return Optional.of(ScanFormat.WAZUH);
        }
        return Optional.empty();
    }

    /** Member names of the object whose START_OBJECT is the current token; leaves the parser on its END_OBJECT. */
    private static Set<String> objectKeys(JsonParser p) throws IOException {
        Set<String> keys = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            keys.add(p.currentName());
            p.nextToken();
            p.skipChildren();
        }
        return keys;
    }

    private static void skipRestOfArray(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != null && t != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }
}
