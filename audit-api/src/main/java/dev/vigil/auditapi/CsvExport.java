package dev.vigil.auditapi;

import dev.vigil.trail.AuditDocument;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The CSV form of trail records (RFC 4180: comma separated, CRLF line ends, a header row, fields
 * with a comma, quote, CR or LF quoted and their quotes doubled). The column set is fixed and
 * documented in docs/exports.md; an absent value is an empty cell.
 *
 * <p>Spreadsheet formula injection: a trail carries text from CI systems and scanners (commit
 * messages, branch names, actors), which a spreadsheet would evaluate if a cell starts with
 * {@code = + - @} (or tab / carriage return, which some spreadsheets skip before a formula). Such a
 * cell gets a leading {@code '} (OWASP's recommendation); the JSON Lines export keeps the raw value.
 */
final class CsvExport {

    static final List<String> COLUMNS = List.of(
            "time",
            "chain_id",
            "seq",
            "hash",
            "prev_hash",
            "kind",
            "type",
            "scope",
            "event_id",
            "source_type",
            "commit_sha",
            "branch",
            "change_id",
            "artifact_digest",
            "artifact_name",
            "environment",
            "pipeline_run_id",
            "service",
            "actor",
            "outcome",
            "verdicts",
            "evidence_sha256",
            "message");

    private CsvExport() {}

    static void header(Writer out) throws IOException {
        row(out, COLUMNS);
    }

    static void record(Writer out, AuditDocument d) throws IOException {
        AuditDocument.Chain c = d.chain();
        AuditDocument.Event e =
                d.event() == null ? new AuditDocument.Event(null, null, null, null, null, null, null, null) : d.event();
        AuditDocument.Subject s = d.subject() == null
                ? new AuditDocument.Subject(null, null, null, null, null, null, null, null)
                : d.subject();
        List<String> cells = new ArrayList<>(COLUMNS.size());
        cells.add(d.timestamp());
        cells.add(c == null ? null : c.id());
        cells.add(c == null ? null : Long.toString(c.seq()));
        cells.add(c == null ? null : c.hash());
        cells.add(c == null ? null : c.prevHash());
        cells.add(e.kind());
        cells.add(e.type());
        cells.add(d.scope());
        cells.add(e.id());
        cells.add(e.sourceType());
        cells.add(s.commitSha());
        cells.add(s.branch());
        cells.add(s.changeId());
        cells.add(s.artifactDigest());
        cells.add(s.artifactName());
        cells.add(s.environment());
        cells.add(s.pipelineRunId());
        cells.add(s.service());
        cells.add(d.user() == null ? null : d.user().id());
        cells.add(e.outcome());
        cells.add(verdicts(d.verdicts()));
        cells.add(d.evidence() == null ? null : d.evidence().sha256());
        cells.add(d.message());
        row(out, cells);
    }

    /** {@code CONTROL=RESULT} per verdict, separated by "; ". */
    static String verdicts(List<AuditDocument.Verdict> verdicts) {
        if (verdicts == null || verdicts.isEmpty()) {
            return null;
        }
        return verdicts.stream().map(v -> v.controlId() + "=" + v.result()).collect(Collectors.joining("; "));
    }

    private static void row(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells.get(i)));
        }
        out.write("\r\n");
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = neutralise(value);
        boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
        return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    static String neutralise(String value) {
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value
                : value;
    }
}
