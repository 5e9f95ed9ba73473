package dev.vigil.ingest.scan;

import dev.vigil.schemas.ScanCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an adapter read from one report, before the request's context and the splitting into
 * messages: the report's own identity and time, what it says about its subject, and its findings
 * in series (one per tool and category: a Trivy report with vulnerabilities and secrets becomes an
 * SCA series and a SECRET series, each checked by its own controls).
 */
final class Report {

    /** The report's own id (Trivy ReportID, CycloneDX serialNumber), or null: the evidence hash is used. */
    String sourceEventId;
    /** Producer, or null: the first series' tool name. */
    String source;
    /** When the scan ran, or null: the receive time. */
    Instant scannedAt;
    /** False when the tool says the run failed or was partial. */
    boolean complete = true;

    final ReportContext context = new ReportContext();
    final List<Series> series = new ArrayList<>();

    /** The series for this tool and category, created on first use (in report order). */
    Series series(ScanCategory category, String toolName, String toolVersion) {
        for (Series s : series) {
            if (s.category == category && s.toolName.equals(toolName) && Objects.equals(s.toolVersion, toolVersion)) {
                return s;
            }
        }
        Series s = new Series(category, toolName, toolVersion);
        series.add(s);
        return s;
    }

    static final class Series {
        final ScanCategory category;
        final String toolName;
        final String toolVersion;
        final List<FindingDraft> findings = new ArrayList<>();

        Series(ScanCategory category, String toolName, String toolVersion) {
            this.category = category;
            this.toolName = toolName;
            this.toolVersion = toolVersion;
        }
    }

    /** Subject facts the payload states; request parameters fill what is missing. */
    static final class ReportContext {
        String repository;
        String commit;
        String branch;
        String digest;
        String artifactName;
        String environment;
        String run;
        String service;
    }
}
