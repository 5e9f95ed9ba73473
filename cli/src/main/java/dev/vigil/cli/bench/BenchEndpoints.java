package dev.vigil.cli.bench;

import java.util.Map;

/** PLACEHOLDER: the load helper's record replaces this. */
public record BenchEndpoints(
        String ingestUrl, String auditApiUrl, Map<String, String> publisherKeys, Map<String, String> auditorKeys) {}
