package dev.vigil.controls;

import java.nio.file.Path;

/** A catalog file the loader refuses: where (file and line) and why. */
public final class CatalogException extends RuntimeException {

    private final String file;
    private final int line;
    private final String reason;

    public CatalogException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public static CatalogException of(Path file, int line, String reason) {
        return new CatalogException(file.toString(), line, reason);
    }

    public String file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is with the file as a whole. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
