package dev.vigil.ingest.scan;

import dev.vigil.schemas.InputFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The scanner report formats ingest reads, with the names a caller may give in {@code ?format=}. */
public enum ScanFormat {
    SARIF("sarif", InputFormat.SARIF, List.of("application/sarif+json")),
    CYCLONEDX("cyclonedx", InputFormat.CYCLONEDX, List.of("application/vnd.cyclonedx+json")),
    TRIVY("trivy", InputFormat.TRIVY, List.of("application/vnd.trivy+json")),
    GRYPE("grype", InputFormat.GRYPE, List.of("application/vnd.grype+json")),
    GITLEAKS("gitleaks", InputFormat.GITLEAKS, List.of("application/vnd.gitleaks+json")),
    OSV("osv", InputFormat.OSV, List.of("application/vnd.osv-scanner+json")),
    SEMGREP("semgrep", InputFormat.SEMGREP, List.of("application/vnd.semgrep+json")),
    WAZUH("wazuh", InputFormat.WAZUH, List.of("application/vnd.wazuh+json", "application/x-ndjson")),
    OCSF("ocsf", InputFormat.OCSF, List.of("application/vnd.ocsf+json"));

    /** Bodies whose format only their content tells. */
    static final List<String> GENERIC_JSON = List.of("application/json", "text/json", "text/plain", "");

    private final String paramName;
    private final InputFormat inputFormat;
    private final List<String> mediaTypes;

    ScanFormat(String paramName, InputFormat inputFormat, List<String> mediaTypes) {
        this.paramName = paramName;
        this.inputFormat = inputFormat;
        this.mediaTypes = mediaTypes;
    }

    public String paramName() {
        return paramName;
    }

    public InputFormat inputFormat() {
        return inputFormat;
    }

    /** The format's own media types (specific to it; plain JSON is told apart by content). */
    public List<String> mediaTypes() {
        return mediaTypes;
    }

    public static Optional<ScanFormat> byParam(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (ScanFormat f : values()) {
            if (f.paramName.equals(wanted)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public static Optional<ScanFormat> byMediaType(String mediaType) {
        for (ScanFormat f : values()) {
            if (f.mediaTypes.contains(mediaType)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public static List<String> paramNames() {
        return java.util.Arrays.stream(values()).map(ScanFormat::paramName).toList();
    }
}
