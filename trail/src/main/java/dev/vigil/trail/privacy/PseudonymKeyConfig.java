package dev.vigil.trail.privacy;

import dev.vigil.common.config.ConfigField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pseudonym key's configuration, shared by the streams app (pseudonymizes), {@code vigil up}
 * (generates it) and {@code vigil erase-subject} (names the person to erase), so their defaults
 * agree. The key is base64 text of at least 32 random bytes.
 */
public final class PseudonymKeyConfig {

    public static final String DEFAULT_KEY_FILE = "pseudonym.key";

    private static final Logger LOG = LoggerFactory.getLogger(PseudonymKeyConfig.class);

    public static final ConfigField<String> PSEUDONYM_KEY_FILE = ConfigField.string(
            "vigil.privacy.pseudonym-key-file",
            "",
            "File holding the pseudonym key (base64 of at least 32 random bytes) that turns people's ids into"
                    + " stable references. Empty: <data-dir>/keys/pseudonym.key, generated on first start. Every"
                    + " streams instance and `vigil erase-subject` must use the same key.");

    /** The key as text instead of a file (environment variable VIGIL_PRIVACY_PSEUDONYM_KEY); wins over the file. */
    public static final ConfigField<String> PSEUDONYM_KEY = ConfigField.secret(
            "vigil.privacy.pseudonym-key",
            "The pseudonym key (base64 of at least 32 bytes), usually from the environment variable"
                    + " VIGIL_PRIVACY_PSEUDONYM_KEY; wins over vigil.privacy.pseudonym-key-file.");

    private PseudonymKeyConfig() {}

    public static Path keyFile(String configured, Path dataDir) {
        return configured == null || configured.isBlank()
                ? dataDir.resolve("keys").resolve(DEFAULT_KEY_FILE)
                : Path.of(configured).toAbsolutePath().normalize();
    }

    /** Where the key comes from; {@link #toString()} names the file or "environment", never the key. */
    public record Source(Optional<String> text, Path file, boolean fileConfigured) {

        public static Source of(String text, String configuredFile, Path dataDir) {
            return new Source(
                    Optional.ofNullable(text).filter(t -> !t.isBlank()),
                    keyFile(configuredFile, dataDir),
                    configuredFile != null && !configuredFile.isBlank());
        }

        /** Loads the key, or fails with what to configure. */
        public Pseudonyms load() {
            if (text.isPresent()) {
                return new Pseudonyms(decode(text.get(), "vigil.privacy.pseudonym-key (VIGIL_PRIVACY_PSEUDONYM_KEY)"));
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no pseudonym key: " + file + " does not exist and"
                        + " VIGIL_PRIVACY_PSEUDONYM_KEY is not set. `vigil up` generates one; else set"
                        + " vigil.privacy.pseudonym-key-file to the file every streams instance shares");
            }
            try {
                return new Pseudonyms(decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the pseudonym key " + file, e);
            }
        }

        /**
         * Loads the key, generating the default file first when nothing is configured and it does not
         * exist yet. A configured file that is missing is refused: generating a key where the operator
         * pointed would hide a mistake (and give this instance pseudonyms no other instance shares).
         */
        public Pseudonyms loadOrGenerate() {
            if (text.isEmpty() && !fileConfigured && !Files.exists(file) && generate(file)) {
                LOG.warn(
                        "generated a new pseudonym key in {}: every other streams instance and `vigil erase-subject`"
                                + " must use this same key (vigil.privacy.pseudonym-key-file or"
                                + " VIGIL_PRIVACY_PSEUDONYM_KEY), or they name people differently",
                        file);
            }
            return load();
        }

        @Override
        public String toString() {
            return text.isPresent() ? "VIGIL_PRIVACY_PSEUDONYM_KEY (environment)" : file.toString();
        }
    }

    /** Writes a new random key to {@code file} (0600 where the file system allows), atomically; false if it exists. */
    public static boolean generate(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pseudonym", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the folder's access rules apply.
                }
                Files.writeString(
                        tmp,
                        Base64.getEncoder().encodeToString(Pseudonyms.randomKey()) + "\n",
                        StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pseudonym key " + file, e);
        }
    }

    static byte[] decode(String text, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the pseudonym key in " + where + " is not base64");
        }
        if (key.length < Pseudonyms.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the pseudonym key in " + where + " has " + key.length
                    + " bytes; at least " + Pseudonyms.MIN_KEY_BYTES + " are needed");
        }
        return key;
    }
}
