package dev.vigil.streams;

import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One checkpoint signing key file per test JVM, for tests that start the real {@link StreamsApp}. */
public final class TestSigningKey {

    private static Path file;

    private TestSigningKey() {}

    public static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("vigil-test-signing-key");
                file = dir.resolve("signing-key.pem");
                SigningKeys.writePrivate(SigningKeys.generate(), file);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }
}
