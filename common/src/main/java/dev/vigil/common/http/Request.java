package dev.vigil.common.http;

import com.sun.net.httpserver.Headers;
import dev.vigil.common.auth.Principal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a handler sees it: body already read (within the size limit), caller
 * authenticated. {@code remoteAddress} is the peer's IP address (null when unknown), for limits
 * per client such as failed logins.
 */
public record Request(
        String method,
        String path,
        String rawQuery,
        Map<String, List<String>> query,
        Headers headers,
        byte[] body,
        Principal principal,
        String remoteAddress) {

    /** A request whose peer address is not known (tests, handlers called directly). */
    public Request(
            String method,
            String path,
            String rawQuery,
            Map<String, List<String>> query,
            Headers headers,
            byte[] body,
            Principal principal) {
        this(method, path, rawQuery, query, headers, body, principal, null);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.getFirst(name));
    }

    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public String contentType() {
        return headers.getFirst("Content-Type");
    }

    /** The media type without parameters, lower-cased; "" when absent. */
    public String mediaType() {
        String ct = contentType();
        if (ct == null) {
            return "";
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    public String pathAndQuery() {
        return rawQuery == null ? path : path + "?" + rawQuery;
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        result.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(result);
    }
}
