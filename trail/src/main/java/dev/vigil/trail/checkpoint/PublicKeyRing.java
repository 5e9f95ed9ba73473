package dev.vigil.trail.checkpoint;

import dev.vigil.schemas.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The published checkpoint public keys: a folder with one {@code <keyId>.pem} (X.509
 * SubjectPublicKeyInfo) per key that ever signed, the current one and every retired one, plus a
 * file {@value #ACTIVE_FILE} naming the key id that signs now. A key is never removed on rotation:
 * checkpoints it signed must stay verifiable.
 *
 * <p>Loading checks every file against its name: a file whose key does not hash to the key id in
 * its name is refused, so a key cannot be swapped in under another key's id.
 */
public final class PublicKeyRing {

    public static final String ACTIVE_FILE = "ACTIVE";
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    private final Map<String, PublicKey> keys;
    private final Optional<String> activeKeyId;

    private PublicKeyRing(Map<String, PublicKey> keys, Optional<String> activeKeyId) {
        this.keys = Map.copyOf(keys);
        this.activeKeyId = activeKeyId;
    }

    /** One key as published: id, algorithm, PEM and whether it signs now. */
    public record Entry(String keyId, String algorithm, String pem, boolean active) {}

    public static PublicKeyRing of(List<PublicKey> keys, String activeKeyId) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        keys.forEach(k -> byId.put(CheckpointSignatures.keyId(k), k));
        return new PublicKeyRing(byId, Optional.ofNullable(activeKeyId));
    }

    /** Reads the folder; a missing folder is an empty ring. */
    public static PublicKeyRing load(Path dir) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return new PublicKeyRing(keys, Optional.empty());
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".pem"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the public key ring " + dir, e);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String id = name.substring(0, name.length() - ".pem".length());
            PublicKey key = SigningKeys.parsePublic(read(file), "public key file " + file);
            String actual = CheckpointSignatures.keyId(key);
            if (!actual.equals(id)) {
                throw new IllegalStateException("public key file " + file + " holds key " + actual
                        + ", not the key its name says; the key ring may have been tampered with");
            }
            keys.put(id, key);
        }
        Optional<String> active = Optional.empty();
        Path activeFile = dir.resolve(ACTIVE_FILE);
        if (Files.exists(activeFile)) {
            String id = read(activeFile).trim().toLowerCase(Locale.ROOT);
            active = KEY_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
        }
        return new PublicKeyRing(keys, active);
    }

    public Optional<PublicKey> find(String keyId) {
        return Optional.ofNullable(keyId == null ? null : keys.get(keyId));
    }

    public Optional<String> activeKeyId() {
        return activeKeyId.filter(keys::containsKey);
    }

    public int size() {
        return keys.size();
    }

    /** Every key, the active one first, then by key id. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        keys.forEach((id, key) -> out.add(new Entry(
                id,
                CheckpointSignatures.ALGORITHM,
                SigningKeys.publicPem(key),
                activeKeyId().equals(Optional.of(id)))));
        out.sort(Comparator.comparing((Entry e) -> !e.active()).thenComparing(Entry::keyId));
        return out;
    }

    /** True when the ring holds the checkpoint's key and the signature verifies with it. */
    public boolean verify(Checkpoint checkpoint) {
        return find(checkpoint.getKeyId())
                .map(key -> CheckpointSignatures.verify(checkpoint, key))
                .orElse(false);
    }

    /**
     * Adds {@code <keyId>.pem} unless present (idempotent), and marks the key active if asked.
     * A present file with another key is left alone and refused.
     */
    public static void publish(Path dir, PublicKey key, boolean active) {
        String id = CheckpointSignatures.keyId(key);
        Path file = dir.resolve(id + ".pem");
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                PublicKey present = SigningKeys.parsePublic(read(file), "public key file " + file);
                if (!CheckpointSignatures.keyId(present).equals(id)) {
                    throw new IllegalStateException("public key file " + file + " holds another key; not replaced");
                }
            } else {
                writeAtomically(file, SigningKeys.publicPem(key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish public key " + id + " in " + dir, e);
        }
        if (active) {
            markActive(dir, id);
        }
    }

    public static void markActive(Path dir, String keyId) {
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve(ACTIVE_FILE), keyId + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark key " + keyId + " active in " + dir, e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
