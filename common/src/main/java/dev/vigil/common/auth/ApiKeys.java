package dev.vigil.common.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys, hashed at rest, and the tenants they belong to. A key reads {@code vgl_<id>_<secret>};
 * the store keeps only the id, the SHA-256 of the whole key, its tenant and roles. The id selects
 * the entry and the hash is compared in constant time, so a wrong key costs the same as a right one.
 *
 * <p>A store made by {@link #watching(Path)} is backed by its file: it re-reads the file when it
 * changed (checked before every authentication, by modification time, size and file identity), so
 * a key minted or revoked by another process (the audit API's admin endpoints, {@code vigil keys
 * create}) takes effect in every service without a restart. {@link #change} writes through that
 * file under an exclusive lock, so two writers cannot lose each other's changes.
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    private static final Pattern KEY = Pattern.compile("vgl_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One stored key; never holds the key itself. {@code createdAt} is null for keys from older files. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            String id, String sha256, String tenant, Set<Role> roles, String description, Instant createdAt) {

        public Entry {
            roles = Set.copyOf(roles);
        }

        public Entry(String id, String sha256, String tenant, Set<Role> roles, String description) {
            this(id, sha256, tenant, roles, description, null);
        }
    }

    /** A registered tenant. Tenants that only appear on keys (older files) are listed too. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tenant(String tenant, String description, Instant createdAt) {}

    /** A newly minted key: {@code key} is shown once and never stored. */
    public record Minted(String key, Entry entry) {}

    /** The keys and tenants at one moment; replaced as a whole, so readers never see half a change. */
    private record State(Map<String, Entry> byId, Map<String, Tenant> tenants) {}

    private final Path file;
    private final Clock clock;
    private volatile State state;
    private Object stamp;

    public ApiKeys(List<Entry> entries) {
        this(entries, List.of(), null, Clock.systemUTC());
    }

    private ApiKeys(List<Entry> entries, List<Tenant> tenants, Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        this.state = stateOf(entries, tenants);
    }

    public static boolean isValidTenant(String tenant) {
        return tenant != null && TENANT.matcher(tenant).matches();
    }

    /** A snapshot of the file (missing: empty), not watched; {@link #save} writes it back. */
    public static ApiKeys load(Path file) {
        State s = read(file);
        return new ApiKeys(
                List.copyOf(s.byId().values()), List.copyOf(s.tenants().values()), null, Clock.systemUTC());
    }

    /** The file's keys, re-read whenever the file changes; {@link #change} writes through to it. */
    public static ApiKeys watching(Path file) {
        return watching(file, Clock.systemUTC());
    }

    static ApiKeys watching(Path file, Clock clock) {
        Path absolute = file.toAbsolutePath();
        Object stamp = stamp(absolute);
        State s = read(absolute);
        ApiKeys keys = new ApiKeys(
                List.copyOf(s.byId().values()), List.copyOf(s.tenants().values()), absolute, clock);
        keys.stamp = stamp;
        return keys;
    }

    /** The backing file of a watching store. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    public synchronized void save(Path target) {
        write(target, state);
    }

    /**
     * Applies a change and, for a watching store, persists it: under an exclusive lock on
     * {@code <file>.lock} the file is re-read, the change applied, and the result written atomically.
     * An exception from {@code change} leaves store and file untouched.
     */
    public <T> T change(Function<ApiKeys, T> change) {
        if (file == null) {
            synchronized (this) {
                return change.apply(this);
            }
        }
        synchronized (this) {
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel channel =
                                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock ignored = channel.lock()) {
                    state = read(file);
                    stamp = stamp(file);
                    State before = state;
                    T result;
                    try {
                        result = change.apply(this);
                    } catch (RuntimeException e) {
                        state = before;
                        throw e;
                    }
                    write(file, state);
                    stamp = stamp(file);
                    return result;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot update API key file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    public synchronized Minted mint(String tenant, Set<Role> roles, String description) {
        requireTenant(tenant);
        String id = randomId();
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        String key = "vgl_" + id + "_" + secret;
        Entry entry = new Entry(id, sha256Hex(key), tenant, roles, description, now());
        put(entry);
        return new Minted(key, entry);
    }

    /** Adds a key whose plaintext the caller chose (tests, bootstrap from a secret store). */
    public synchronized Entry register(String key, String tenant, Set<Role> roles, String description) {
        var m = KEY.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "an API key must look like vgl_<12 lowercase alnum>_<32+ url-safe chars>");
        }
        requireTenant(tenant);
        Entry entry = new Entry(m.group(1), sha256Hex(key), tenant, roles, description, now());
        put(entry);
        return entry;
    }

    /** Removes a key; true when it existed. A revoked key authenticates nowhere once the services reloaded. */
    public synchronized boolean revoke(String id) {
        State s = state;
        if (!s.byId().containsKey(id)) {
            return false;
        }
        Map<String, Entry> keys = new LinkedHashMap<>(s.byId());
        keys.remove(id);
        state = new State(Map.copyOf(keys), s.tenants());
        return true;
    }

    /** Registers a tenant; false when it exists already (registered, or holding keys). */
    public synchronized boolean addTenant(String tenant, String description) {
        requireTenant(tenant);
        State s = state;
        if (tenantNames(s).contains(tenant)) {
            return false;
        }
        Map<String, Tenant> tenants = new TreeMap<>(s.tenants());
        tenants.put(tenant, new Tenant(tenant, description, now()));
        state = new State(s.byId(), Map.copyOf(tenants));
        return true;
    }

    public Optional<Principal> authenticate(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        var m = KEY.matcher(presented);
        if (!m.matches()) {
            return Optional.empty();
        }
        Entry entry = current().byId().get(m.group(1));
        byte[] actual = sha256(presented);
        // Compare even when the id is unknown, so timing does not reveal which ids exist.
        byte[] expected =
                entry == null ? new byte[actual.length] : HexFormat.of().parseHex(entry.sha256());
        boolean ok = MessageDigest.isEqual(actual, expected) && entry != null;
        return ok ? Optional.of(new Principal(entry.id(), entry.tenant(), entry.roles())) : Optional.empty();
    }

    public List<Entry> entries() {
        return current().byId().values().stream()
                .sorted(Comparator.comparing(Entry::tenant).thenComparing(Entry::id))
                .toList();
    }

    public Optional<Entry> find(String id) {
        return Optional.ofNullable(current().byId().get(id));
    }

    /** Registered tenants plus those that only appear on keys, by name. */
    public List<Tenant> tenants() {
        State s = current();
        Map<String, Tenant> all = new TreeMap<>(s.tenants());
        for (Entry e : s.byId().values()) {
            all.putIfAbsent(e.tenant(), new Tenant(e.tenant(), null, null));
        }
        return List.copyOf(all.values());
    }

    public boolean hasTenant(String tenant) {
        return tenantNames(current()).contains(tenant);
    }

    public boolean isEmpty() {
        return current().byId().isEmpty();
    }

    private State current() {
        if (file != null) {
            reloadIfChanged();
        }
        return state;
    }

    private synchronized void reloadIfChanged() {
        Object now = stamp(file);
        if (Objects.equals(now, stamp)) {
            return;
        }
        try {
            state = read(file);
            LOG.info("API keys reloaded from {}: {} key(s)", file, state.byId().size());
        } catch (RuntimeException e) {
            // Keeping the previous keys beats locking every caller out over a half-edited file;
            // the message names the file only, never a key.
            LOG.warn(
                    "API key file {} changed but cannot be read ({}); the previous {} key(s) stay in force",
                    file,
                    e.getMessage(),
                    state.byId().size());
        }
        stamp = now;
    }

    private void put(Entry entry) {
        State s = state;
        Map<String, Entry> keys = new LinkedHashMap<>(s.byId());
        keys.put(entry.id(), entry);
        state = new State(Map.copyOf(keys), s.tenants());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static java.util.Set<String> tenantNames(State s) {
        java.util.Set<String> names = new java.util.HashSet<>(s.tenants().keySet());
        s.byId().values().forEach(e -> names.add(e.tenant()));
        return names;
    }

    private static void requireTenant(String tenant) {
        if (!isValidTenant(tenant)) {
            throw new IllegalArgumentException("tenant must match " + TENANT.pattern() + ": " + tenant);
        }
    }

    private static State stateOf(List<Entry> entries, List<Tenant> tenants) {
        Map<String, Entry> keys = new LinkedHashMap<>();
        entries.forEach(e -> keys.put(e.id(), e));
        Map<String, Tenant> named = new TreeMap<>();
        tenants.forEach(t -> named.put(t.tenant(), t));
        return new State(Map.copyOf(keys), Map.copyOf(named));
    }

    /**
     * Reads the file: {@code {"keys":[...],"tenants":[...]}}, or the bare array of keys older
     * versions wrote. Missing file: empty.
     */
    private static State read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return stateOf(List.of(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode root = Json.mapper().readTree(bytes);
            JsonNode keys = root != null && root.isArray() ? root : root == null ? null : root.get("keys");
            List<Entry> entries = new ArrayList<>();
            if (keys != null) {
                for (JsonNode n : keys) {
                    entries.add(Json.mapper().treeToValue(n, Entry.class));
                }
            }
            List<Tenant> tenants = new ArrayList<>();
            JsonNode tenantList = root != null && root.isObject() ? root.get("tenants") : null;
            if (tenantList != null) {
                for (JsonNode n : tenantList) {
                    tenants.add(Json.mapper().treeToValue(n, Tenant.class));
                }
            }
            return stateOf(entries, tenants);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, State s) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.set(
                "keys",
                Json.mapper()
                        .valueToTree(s.byId().values().stream()
                                .sorted(Comparator.comparing(Entry::tenant).thenComparing(Entry::id))
                                .toList()));
        root.set("tenants", Json.mapper().valueToTree(List.copyOf(s.tenants().values())));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".keys", ".tmp");
            try {
                restrictToOwner(tmp);
                Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write API key file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What tells a changed file apart: an atomic replace gives a new file identity (inode) even when
     * time and size happen to match.
     */
    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return java.util.Arrays.asList(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
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
