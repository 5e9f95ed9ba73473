package dev.vigil.ingest.adapter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A package URL (purl, {@code pkg:type/namespace/name@version?qualifiers#subpath}), parsed as far
 * as Vigil needs: the artifact's identity without version, its name, and its digest. Container
 * images carry the digest as the version ({@code pkg:oci/myapp@sha256%3A0b31...}); other types may
 * carry it in the {@code checksum} qualifier.
 */
public record PackageUrl(
        String type,
        String namespace,
        String name,
        String version,
        Map<String, String> qualifiers,
        String withoutVersion) {

    // The algorithm starts with a letter so a Debian epoch ("1:2.3") is never taken for a digest.
    private static final Pattern DIGEST = Pattern.compile("([a-z][a-z0-9]*):([0-9a-f]+)");

    public PackageUrl {
        qualifiers = Map.copyOf(qualifiers);
    }

    /** Parses {@code text}, or empty when it is not a purl with at least a type and a name. */
    public static Optional<PackageUrl> parse(String text) {
        if (text == null || !text.regionMatches(true, 0, "pkg:", 0, 4)) {
            return Optional.empty();
        }
        String rest = text.substring(4);
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        Map<String, String> qualifiers = new LinkedHashMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    qualifiers.put(pair.substring(0, eq).toLowerCase(Locale.ROOT), decode(pair.substring(eq + 1)));
                }
            }
            rest = rest.substring(0, question);
        }
        String version = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            version = decode(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int firstSlash = rest.indexOf('/');
        if (firstSlash <= 0 || firstSlash == rest.length() - 1) {
            return Optional.empty();
        }
        String type = rest.substring(0, firstSlash).toLowerCase(Locale.ROOT);
        String path = rest.substring(firstSlash + 1);
        int lastSlash = path.lastIndexOf('/');
        String namespace = lastSlash < 0 ? null : decode(path.substring(0, lastSlash));
        String name = decode(path.substring(lastSlash + 1));
        if (name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new PackageUrl(
                type,
                namespace,
                name,
                version == null || version.isEmpty() ? null : version,
                qualifiers,
                "pkg:" + type + "/" + path));
    }

    /** The digest as {@code algorithm:hex} (lower case): from the version, else from the checksum qualifier. */
    public Optional<String> digest() {
        if (version != null) {
            var m = DIGEST.matcher(version.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                return Optional.of(m.group(1) + ":" + m.group(2));
            }
        }
        String checksums = qualifiers.get("checksum");
        if (checksums == null) {
            return Optional.empty();
        }
        String first = null;
        for (String candidate : checksums.split(",")) {
            var m = DIGEST.matcher(candidate.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                String digest = m.group(1) + ":" + m.group(2);
                if (m.group(1).equals("sha256")) {
                    return Optional.of(digest);
                }
                first = first == null ? digest : first;
            }
        }
        return Optional.ofNullable(first);
    }

    /** Percent-decoding as purl defines it: '+' stays a plus sign (unlike form encoding). */
    static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(Integer.parseInt(text, i + 1, i + 3, 16));
                i += 3;
            } else {
                int codePoint = text.codePointAt(i);
                byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(codePoint);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
