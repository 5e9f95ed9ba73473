package dev.vigil.common.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * API keys, hashed at rest. A key reads {@code vgl_<id>_<secret>}; the store keeps only the id,
 * the SHA-256 of the whole key, its tenant and roles. The id selects the entry and the hash is
 * compared in constant time, so a wrong key costs the same as a right one.
 */
public final class ApiKeys {

    private static final Pattern KEY = Pattern.compile("vgl_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One stored key; never holds the key itself. */
    public record Entry(String id, String sha256, String tenant, Set<Role> roles, String description) {}

    /** A newly minted key: {@code key} is shown once and never stored. */
    public record Minted(String key, Entry entry) {}

    private final Map<String, Entry> byId = new ConcurrentHashMap<>();

    public ApiKeys(List<Entry> entries) {
        entries.forEach(e -> byId.put(e.id(), e));
    }

    public static boolean isValidTenant(String tenant) {
        return tenant != null && TENANT.matcher(tenant).matches();
    }

    public static ApiKeys load(Path file) {
        if (!Files.exists(file)) {
            return new ApiKeys(List.of());
        }
        try {
            List<Entry> entries = Json.mapper().readValue(file.toFile(), new TypeReference<List<Entry>>() {});
            return new ApiKeys(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized void save(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".keys", ".tmp");
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), new ArrayList<>(byId.values()));
            restrictToOwner(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write API key file " + file + ": " + e.getMessage(), e);
        }
    }

    public Minted mint(String tenant, Set<Role> roles, String description) {
        if (!isValidTenant(tenant)) {
            throw new IllegalArgumentException("tenant must match " + TENANT.pattern() + ": " + tenant);
        }
        String id = randomId();
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        String key = "vgl_" + id + "_" + secret;
        Entry entry = new Entry(id, sha256Hex(key), tenant, Set.copyOf(roles), description);
        byId.put(id, entry);
        return new Minted(key, entry);
    }

    /** Adds a key whose plaintext the caller chose (tests, bootstrap from a secret store). */
    public Entry register(String key, String tenant, Set<Role> roles, String description) {
        var m = KEY.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "an API key must look like vgl_<12 lowercase alnum>_<32+ url-safe chars>");
        }
        if (!isValidTenant(tenant)) {
            throw new IllegalArgumentException("tenant must match " + TENANT.pattern() + ": " + tenant);
        }
        Entry entry = new Entry(m.group(1), sha256Hex(key), tenant, Set.copyOf(roles), description);
        byId.put(entry.id(), entry);
        return entry;
    }

    public Optional<Principal> authenticate(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        var m = KEY.matcher(presented);
        if (!m.matches()) {
            return Optional.empty();
        }
        Entry entry = byId.get(m.group(1));
        byte[] actual = sha256(presented);
        // Compare even when the id is unknown, so timing does not reveal which ids exist.
        byte[] expected =
                entry == null ? new byte[actual.length] : HexFormat.of().parseHex(entry.sha256());
        boolean ok = MessageDigest.isEqual(actual, expected) && entry != null;
        return ok ? Optional.of(new Principal(entry.id(), entry.tenant(), entry.roles())) : Optional.empty();
    }

    public List<Entry> entries() {
        return List.copyOf(byId.values());
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    private static String randomId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256(text));
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Non-POSIX file systems: rely on the folder's permissions.
        }
    }
}
