package dev.vigil.ingest.scan;

import dev.vigil.ingest.adapter.InputAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** The scanner adapters, in the order ingest offers them a request, and the secret-hash key. */
public final class ScanAdapters {

    /** Where a generated key is kept, under the data dir. */
    public static final String KEY_FILE = "ingest/secret-hash.key";

    private ScanAdapters() {}

    public static List<InputAdapter> all(SecretHasher hasher) {
        return all(hasher, ScanAssembler.DEFAULT_MAX_RECORD_BYTES);
    }

    public static List<InputAdapter> all(SecretHasher hasher, int maxRecordBytes) {
        return List.of(
                new SarifAdapter(hasher, maxRecordBytes),
                new CycloneDxAdapter(maxRecordBytes),
                new TrivyAdapter(hasher, maxRecordBytes),
                new GrypeAdapter(maxRecordBytes),
                new GitleaksAdapter(hasher, maxRecordBytes),
                new OsvAdapter(maxRecordBytes),
                new SemgrepAdapter(maxRecordBytes),
                new WazuhAdapter(maxRecordBytes),
                new OcsfAdapter(maxRecordBytes));
    }

    /**
     * The configured key (its UTF-8 bytes), else the one kept in {@code <dataDir>/ingest/secret-hash.key},
     * generated (32 random bytes, base64, owner-only) on first start. Several ingest instances must
     * share one key for secret hashes to compare: configure it explicitly for them.
     */
    public static SecretHasher hasher(String configuredKey, Path dataDir) {
        if (configuredKey != null && !configuredKey.isBlank()) {
            return new SecretHasher(configuredKey.getBytes(StandardCharsets.UTF_8));
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try {
                    Files.write(
                            file,
                            Base64.getEncoder().encode(key),
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    try {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException e) {
                        // not a POSIX file system: the data dir's own permissions protect it
                    }
                } catch (FileAlreadyExistsException e) {
                    // another instance on this data dir won the race: use its key
                }
            }
            byte[] key = Base64.getDecoder()
                    .decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return new SecretHasher(key);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or create the secret hash key " + file
                            + ": make the data dir writable or set vigil.ingest.secret-hash-key",
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the secret hash key in " + file + " is not base64 of at least 16 bytes;"
                            + " restore it from backup (hashes made with another key do not compare)",
                    e);
        }
    }
}
