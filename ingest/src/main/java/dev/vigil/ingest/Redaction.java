package dev.vigil.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Removes credentials from what is kept of a refused request. Kept input is read by operators
 * and replayed; a key or webhook secret in it would outlive its rotation.
 */
final class Redaction {

    private static final List<String> SENSITIVE_PARTS = List.of(
            "auth",
            "cookie",
            "api-key",
            "apikey",
            "api_key",
            "token",
            "signature",
            "secret",
            "password",
            "credential",
            "session");

    private Redaction() {}

    /** Whether a header or parameter name may carry a credential (Authorization, X-Api-Key, X-Hub-Signature-256 ...). */
    static boolean isSensitive(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return SENSITIVE_PARTS.stream().anyMatch(n::contains);
    }

    /** Headers without credentials, several values of one header joined by ", " (RFC 9110 list syntax). */
    static Map<String, String> headers(Map<String, List<String>> headers) {
        Map<String, String> kept = new TreeMap<>();
        headers.forEach((name, values) -> {
            if (name != null && !isSensitive(name)) {
                kept.put(name.toLowerCase(Locale.ROOT), String.join(", ", values));
            }
        });
        return kept;
    }

    /** The path and query with credential-like query parameters dropped. */
    static String pathAndQuery(String path, String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return path;
        }
        List<String> kept = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!isSensitive(decodeOrKeep(name))) {
                kept.add(pair);
            }
        }
        return kept.isEmpty() ? path : path + "?" + String.join("&", kept);
    }

    private static String decodeOrKeep(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }
}
