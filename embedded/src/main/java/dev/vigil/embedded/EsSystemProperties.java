package dev.vigil.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * System properties Elasticsearch reads in static initializers, so they are set before the first node starts and only
 * when the caller has not set them. A distribution sets them from its launcher; the Maven Central jars have none.
 */
final class EsSystemProperties {

    private static final Logger log = LoggerFactory.getLogger(EsSystemProperties.class);

    static final String NATIVE_LIBS = "es.nativelibs.path";
    static final String VECTOR_LIBRARY = "org.elasticsearch.nativeaccess.enableVectorLibrary";
    static final String NETTY_PROCESSORS = "es.set.netty.runtime.available.processors";

    /** Where distributions of Linux and macOS keep libzstd; the first that exists is linked. */
    private static final List<String> ZSTD_CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/libzstd.so.1",
            "/lib/x86_64-linux-gnu/libzstd.so.1",
            "/usr/lib/aarch64-linux-gnu/libzstd.so.1",
            "/lib/aarch64-linux-gnu/libzstd.so.1",
            "/usr/lib64/libzstd.so.1",
            "/lib64/libzstd.so.1",
            "/usr/lib/libzstd.so.1",
            "/usr/local/lib/libzstd.so.1",
            "/opt/homebrew/lib/libzstd.1.dylib",
            "/usr/local/lib/libzstd.1.dylib");

    private static boolean applied;

    private EsSystemProperties() {}

    static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        // the native vector library (libvec) ships only in distributions
        setIfAbsent(VECTOR_LIBRARY, "false");
        // Netty's processor count is set once per JVM; in-process, another Netty user may have set it already
        setIfAbsent(NETTY_PROCESSORS, "false");
        if (System.getProperty(NATIVE_LIBS) == null) {
            Path dir = linkZstd();
            if (dir != null) {
                System.setProperty(NATIVE_LIBS, dir.toString());
            }
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** A per-JVM temp folder with {@code libzstd.so} (or .dylib) linking the OS library, as Elasticsearch expects. */
    private static Path linkZstd() {
        Path library = null;
        for (String candidate : ZSTD_CANDIDATES) {
            Path path = Path.of(candidate);
            if (Files.isReadable(path)) {
                library = path;
                break;
            }
        }
        if (library == null) {
            log.warn(
                    "No OS libzstd found (looked in {}); Elasticsearch indices using best_compression or logsdb will"
                            + " fail. Install libzstd (e.g. apt-get install libzstd1) or set -D{}=<folder with {}>",
                    ZSTD_CANDIDATES,
                    NATIVE_LIBS,
                    System.mapLibraryName("zstd"));
            return null;
        }
        try {
            Path dir = Files.createTempDirectory("vigil-es-native-");
            // deleteOnExit works in reverse order of registration: the link goes first, then its folder
            dir.toFile().deleteOnExit();
            Path link = dir.resolve(System.mapLibraryName("zstd"));
            Files.createSymbolicLink(link, library);
            link.toFile().deleteOnExit();
            return dir;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn(
                    "Cannot link {} for Elasticsearch ({}); indices using best_compression or logsdb will fail",
                    library,
                    e.toString());
            return null;
        }
    }
}
