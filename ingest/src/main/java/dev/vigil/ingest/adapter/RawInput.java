package dev.vigil.ingest.adapter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request body as received, with what an adapter may need to read it: the caller's tenant
 * (from its API key, never from the body), the media type, the headers (some formats carry their
 * event type there), the query parameters (a caller may name the format, {@code ?format=sarif},
 * and give context a report lacks: {@code ?repository=&commit=&branch=...}) and the evidence
 * address of the exact bytes.
 */
public record RawInput(
        String tenant,
        String mediaType,
        Map<String, List<String>> headers,
        Map<String, String> params,
        byte[] body,
        Instant receivedAt,
        String evidenceSha256) {

    public RawInput {
        Objects.requireNonNull(tenant, "tenant");
        mediaType = mediaType == null ? "" : mediaType;
        Map<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> caseInsensitive.put(k, List.copyOf(v)));
        }
        headers = Collections.unmodifiableMap(caseInsensitive);
        params = params == null ? Map.of() : Map.copyOf(params);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(evidenceSha256, "evidenceSha256");
    }

    /** Builds the input and addresses the body by its SHA-256. */
    public static RawInput of(
            String tenant, String mediaType, Map<String, List<String>> headers, byte[] body, Instant receivedAt) {
        return of(tenant, mediaType, headers, Map.of(), body, receivedAt);
    }

    /** Builds the input with query parameters and addresses the body by its SHA-256. */
    public static RawInput of(
            String tenant,
            String mediaType,
            Map<String, List<String>> headers,
            Map<String, String> params,
            byte[] body,
            Instant receivedAt) {
        return new RawInput(tenant, mediaType, headers, params, body, receivedAt, sha256Hex(body));
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** The same input with another body (e.g. a secret scanner's report with the secrets masked), re-addressed. */
    public RawInput withBody(byte[] newBody) {
        return new RawInput(tenant, mediaType, headers, params, newBody, receivedAt, sha256Hex(newBody));
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public long evidenceSize() {
        return body.length;
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
