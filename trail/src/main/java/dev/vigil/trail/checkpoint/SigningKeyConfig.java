package dev.vigil.trail.checkpoint;

import dev.vigil.common.config.ConfigField;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The configuration keys of checkpoint signing, shared by the streams app (signs), the CLI
 * (generates and rotates) and the audit API (publishes the ring), so their defaults agree.
 */
public final class SigningKeyConfig {

    public static final ConfigField<String> SIGNING_KEY_FILE = ConfigField.string(
            "vigil.trail.signing-key-file",
            "",
            "PEM (PKCS#8) file of the Ed25519 key the streams app signs checkpoints with. Empty:"
                    + " <data-dir>/keys/signing-key.pem (written by `vigil up` and `vigil keys signing rotate`).");

    /** PEM text instead of a file (environment variable VIGIL_TRAIL_SIGNING_KEY); wins over the file. */
    public static final ConfigField<String> SIGNING_KEY = ConfigField.secret(
            "vigil.trail.signing-key",
            "PEM (PKCS#8) text of the Ed25519 checkpoint signing key, usually from the environment variable"
                    + " VIGIL_TRAIL_SIGNING_KEY; wins over vigil.trail.signing-key-file.");

    public static final ConfigField<String> PUBLIC_KEYS_DIR = ConfigField.string(
            "vigil.trail.public-keys-dir",
            "",
            "Folder of the checkpoint public key ring (<keyId>.pem, current and retired keys). Empty:"
                    + " <data-dir>/keys/public.");

    private SigningKeyConfig() {}

    public static Path keysDir(Path dataDir) {
        return dataDir.resolve("keys");
    }

    public static Path signingKeyFile(String configured, Path dataDir) {
        return configured == null || configured.isBlank()
                ? keysDir(dataDir).resolve(SigningKeys.DEFAULT_KEY_FILE)
                : Path.of(configured).toAbsolutePath().normalize();
    }

    public static Path publicKeysDir(String configured, Path dataDir) {
        return configured == null || configured.isBlank()
                ? keysDir(dataDir).resolve("public")
                : Path.of(configured).toAbsolutePath().normalize();
    }

    /**
     * Where the signing key comes from: the PEM text when set, else the file. {@link #toString()}
     * shows the file or "environment", never the key.
     */
    public record Source(Optional<String> pem, Path file) {

        public static Source of(String pem, Path file) {
            return new Source(Optional.ofNullable(pem).filter(p -> !p.isBlank()), file);
        }

        /** Loads the key, or fails with what to configure. */
        public SigningKey load() {
            if (pem.isPresent()) {
                return SigningKeys.parse(pem.get(), "vigil.trail.signing-key (VIGIL_TRAIL_SIGNING_KEY)");
            }
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new IllegalStateException("no checkpoint signing key: " + file + " does not exist and"
                        + " VIGIL_TRAIL_SIGNING_KEY is not set. Run `vigil keys signing rotate` to generate one, or"
                        + " set vigil.trail.signing-key-file / VIGIL_TRAIL_SIGNING_KEY to a PEM (PKCS#8) Ed25519"
                        + " private key");
            }
            return SigningKeys.load(file);
        }

        @Override
        public String toString() {
            return pem.isPresent() ? "VIGIL_TRAIL_SIGNING_KEY (environment)" : file.toString();
        }
    }
}
