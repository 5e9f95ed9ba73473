package dev.vigil.cli;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vigil keys signing rotate [--key-file F]} and {@code vigil keys signing list}: the
 * checkpoint signing key. Rotation writes a new Ed25519 private key (0600) over the configured key
 * file, keeps the retired key's public half in the ring and publishes the new one as active. It
 * prints key ids and paths only, never key material.
 */
final class SigningKeysCommand implements Command {

    static final String USAGE = "usage: vigil keys signing rotate [--key-file FILE] | vigil keys signing list";

    private final CliArgs args;
    private final PrintStream out;

    SigningKeysCommand(CliArgs args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    static List<ConfigField<?>> fields() {
        List<ConfigField<?>> fields = new ArrayList<>(CliConfig.FIELDS);
        fields.add(SigningKeyConfig.SIGNING_KEY_FILE);
        fields.add(SigningKeyConfig.SIGNING_KEY);
        fields.add(SigningKeyConfig.PUBLIC_KEYS_DIR);
        return fields;
    }

    @Override
    public int run() {
        List<String> positional = args.positional();
        if (positional.size() != 2) {
            throw new CliArgs.UsageException(USAGE);
        }
        Config config = args.resolve(fields(), Map.of());
        Path data = CliConfig.dataDir(config);
        Path ring = SigningKeyConfig.publicKeysDir(config.get(SigningKeyConfig.PUBLIC_KEYS_DIR), data);
        Path configuredFile = SigningKeyConfig.signingKeyFile(config.get(SigningKeyConfig.SIGNING_KEY_FILE), data);
        return switch (positional.get(1)) {
            case "rotate" -> rotate(config, configuredFile, ring);
            case "list" -> list(config, configuredFile, ring);
            default -> throw new CliArgs.UsageException(USAGE);
        };
    }

    private int rotate(Config config, Path configuredFile, Path ring) {
        Optional<String> target = args.option("key-file");
        String fromEnv = config.get(SigningKeyConfig.SIGNING_KEY);
        if (target.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
            throw new CliArgs.UsageException("the signing key comes from VIGIL_TRAIL_SIGNING_KEY, which this command"
                    + " cannot change: run `vigil keys signing rotate --key-file NEW.pem`, put NEW.pem's content into"
                    + " that secret, restart the streams app, then delete NEW.pem");
        }
        Path file = target.map(t -> Path.of(t).toAbsolutePath().normalize()).orElse(configuredFile);
        SigningKeys.Rotation rotation = SigningKeys.rotate(file, ring);
        out.println("new checkpoint signing key " + rotation.active().keyId() + " -> " + file + " (0600)");
        rotation.retiredKeyId()
                .ifPresent(old -> out.println("retired key " + old + ": its private key is overwritten, its public key"
                        + " stays in the ring so the checkpoints it signed stay verifiable"));
        out.println("public keys: " + ring);
        out.println("restart the streams app to sign with the new key");
        return 0;
    }

    private int list(Config config, Path configuredFile, Path ringDir) {
        PublicKeyRing ring = PublicKeyRing.load(ringDir);
        Optional<String> configured = configuredKeyId(config, configuredFile);
        out.println("public keys in " + ringDir + ":");
        if (ring.size() == 0) {
            out.println("  (none)");
        }
        for (PublicKeyRing.Entry e : ring.entries()) {
            out.printf(
                    "  %s  %s  %s%s%n",
                    e.keyId(),
                    e.algorithm(),
                    e.active() ? "active " : "retired",
                    configured.equals(Optional.of(e.keyId())) ? "  (configured signing key)" : "");
        }
        configured
                .filter(id -> ring.find(id).isEmpty())
                .ifPresent(
                        id -> out.println(
                                "configured signing key " + id + " is NOT in the ring: checkpoints it"
                                        + " signs cannot be verified until its public key is published (the streams app does at start)"));
        return 0;
    }

    private static Optional<String> configuredKeyId(Config config, Path file) {
        String fromEnv = config.get(SigningKeyConfig.SIGNING_KEY);
        if (fromEnv == null && !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        SigningKey key = SigningKeyConfig.Source.of(fromEnv, file).load();
        return Optional.of(key.keyId());
    }
}
