package dev.vigil.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook sources: GitHub and GitLab cannot send a Vigil API key, so each webhook
 * authenticates with a secret of its own, bound to one tenant. Kept in a JSON file (owner-only
 * permissions) that {@code vigil webhooks add} writes; secrets are never logged or printed after
 * creation. Immutable: a change makes a new instance.
 */
public final class WebhookSources {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSources.class);

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 random bytes: as strong as the HMAC-SHA256 key GitHub uses it as. */
    private static final int SECRET_BYTES = 32;

    private static final int MIN_SECRET_LENGTH = 16;

    /** Where the webhook comes from; decides how it is verified and read. */
    public enum Kind {
        GITHUB,
        GITLAB;

        /** Lower case, as in URLs and the file. */
        public String slug() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> parse(String text) {
            for (Kind k : values()) {
                if (k.slug().equals(text)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** One webhook source. {@link #toString()} leaves the secret out, so it cannot reach a log by accident. */
    public record Source(String id, String tenant, Kind kind, String secret) {

        public Source {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("a webhook source id must match " + ID.pattern() + ": " + id);
            }
            if (!ApiKeys.isValidTenant(tenant)) {
                throw new IllegalArgumentException("invalid tenant for webhook source " + id + ": " + tenant);
            }
            Objects.requireNonNull(kind, "kind");
            if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("the secret of webhook source " + id + " must have at least "
                        + MIN_SECRET_LENGTH + " characters");
            }
        }

        /** The path GitHub or GitLab posts to. */
        public String path() {
            return "/v1/webhooks/" + kind.slug() + "/" + id;
        }

        @Override
        public String toString() {
            return "Source[id=" + id + ", tenant=" + tenant + ", kind=" + kind.slug() + ", secret=***]";
        }
    }

    private final Map<String, Source> byId;

    public WebhookSources(List<Source> sources) {
        Map<String, Source> map = new LinkedHashMap<>();
        for (Source s : sources) {
            if (map.put(s.id(), s) != null) {
                throw new IllegalArgumentException("webhook source id " + s.id() + " appears twice");
            }
        }
        this.byId = Collections.unmodifiableMap(map);
    }

    public static WebhookSources empty() {
        return new WebhookSources(List.of());
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public Optional<Source> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Source> all() {
        return List.copyOf(byId.values());
    }

    /** A new source with a fresh random secret; {@code id} null picks one ("github-1a2b3c4d"). */
    public static Source newSource(Kind kind, String tenant, String id) {
        String chosen = id != null ? id : kind.slug() + "-" + HexFormat.of().formatHex(randomBytes(4));
        return new Source(chosen, tenant, kind, HexFormat.of().formatHex(randomBytes(SECRET_BYTES)));
    }

    public WebhookSources with(Source source) {
        if (byId.containsKey(source.id())) {
            throw new IllegalArgumentException("a webhook source with id " + source.id() + " exists already");
        }
        List<Source> all = new ArrayList<>(byId.values());
        all.add(source);
        return new WebhookSources(all);
    }

    /** Reads the file; a missing file means no sources. */
    public static WebhookSources load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read webhook sources file " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode root = Json.mapper().readTree(bytes);
            JsonNode list = root == null ? null : root.get("sources");
            if (list == null || !list.isArray()) {
                throw new IllegalArgumentException("it must be an object with a \"sources\" array");
            }
            List<Source> sources = new ArrayList<>();
            for (JsonNode n : list) {
                String kind = n.path("kind").asText();
                sources.add(new Source(
                        n.path("id").asText(null),
                        n.path("tenant").asText(null),
                        Kind.parse(kind)
                                .orElseThrow(() -> new IllegalArgumentException(
                                        "kind must be github or gitlab, not '" + kind + "'")),
                        n.path("secret").asText(null)));
            }
            return new WebhookSources(sources);
        } catch (IOException | IllegalArgumentException e) {
            // The message never carries a secret: Source's checks name the id only.
            throw new IllegalStateException("webhook sources file " + file + " is invalid: " + e.getMessage(), e);
        }
    }

    /** Writes the file atomically, readable by its owner only (it holds the secrets in clear). */
    public void save(Path file) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("sources");
        for (Source s : byId.values()) {
            list.addObject()
                    .put("id", s.id())
                    .put("tenant", s.tenant())
                    .put("kind", s.kind().slug())
                    .put("secret", s.secret());
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".webhook-sources", ".tmp");
            try {
                restrictToOwner(tmp);
                Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write webhook sources file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file's current sources, re-read when its modification time or size changes, so a source
     * added with {@code vigil webhooks add} works without restarting ingest. A file that became
     * invalid keeps the previous sources in force (and says so in the log) rather than locking
     * every webhook out.
     */
    public static Supplier<WebhookSources> reloading(Path file) {
        return new Reloading(file);
    }

    private static final class Reloading implements Supplier<WebhookSources> {
        private final Path file;
        private WebhookSources current;
        private Object stamp;

        Reloading(Path file) {
            this.file = file;
            this.current = load(file);
            this.stamp = stamp(file);
        }

        @Override
        public synchronized WebhookSources get() {
            Object now = stamp(file);
            if (!Objects.equals(now, stamp)) {
                try {
                    current = load(file);
                    LOG.info("webhook sources reloaded from {}: {} source(s)", file, current.byId.size());
                } catch (RuntimeException e) {
                    LOG.warn(
                            "webhook sources file {} changed but cannot be read ({}); the previous {} source(s) stay"
                                    + " in force. Fix the file (vigil webhooks add writes it).",
                            file,
                            e.getMessage(),
                            current.byId.size());
                }
                stamp = now;
            }
            return current;
        }

        private static Object stamp(Path file) {
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                return List.of(modified, Files.size(file));
            } catch (IOException e) {
                return null;
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Non-POSIX file systems: rely on the folder's permissions.
        }
    }
}
