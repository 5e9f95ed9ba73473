package dev.vigil.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PLACEHOLDER: the report helper's class replaces this. */
public final class HtmlReport {
    private HtmlReport() {}

    public static void write(BenchResult result, Path file) throws IOException {
        Files.writeString(file, "<html></html>");
    }
}
