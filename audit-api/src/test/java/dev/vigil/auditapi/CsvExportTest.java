package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.trail.AuditDocument;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvExportTest {

    @Test
    void shouldPrefixEveryCellThatASpreadsheetWouldEvaluate() {
        assertThat(CsvExport.cell("=1+1")).isEqualTo("'=1+1");
        assertThat(CsvExport.cell("+31 20 123")).isEqualTo("'+31 20 123");
        assertThat(CsvExport.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(CsvExport.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvExport.cell("\t=cmd")).isEqualTo("'\t=cmd");
        assertThat(CsvExport.cell("deploy = ok")).isEqualTo("deploy = ok");
    }

    @Test
    void shouldQuoteCellsWithSeparatorsQuotesAndLineBreaksPerRfc4180() {
        assertThat(CsvExport.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvExport.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvExport.cell("line1\nline2")).isEqualTo("\"line1\nline2\"");
        assertThat(CsvExport.cell("=HYPERLINK(\"x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
        assertThat(CsvExport.cell(null)).isEmpty();
    }

    @Test
    void shouldWriteOneCrlfRowPerRecordInTheDocumentedColumnOrder() throws Exception {
        AuditDocument d = new AuditDocument(
                "2026-03-01T08:00:00Z",
                "acme",
                "shop",
                new AuditDocument.Chain("acme/shop", 4, "p".repeat(64), "h".repeat(64), 1),
                new AuditDocument.Event(
                        "e-4", "EVALUATION", "pipeline.BUILD_FINISHED", "cdevents", "/ci", "s-4", null, "SUCCESS"),
                new AuditDocument.Subject("c0ffee", "main", null, null, null, "production", null, null),
                new AuditDocument.User("alice"),
                "built, tested",
                List.of(
                        new AuditDocument.Verdict("change-approval", "PASS", "HIGH", List.of(), "ok"),
                        new AuditDocument.Verdict("secret-scan", "FAIL", "HIGH", List.of(), "leak")),
                null,
                null,
                new AuditDocument.Evidence("e".repeat(64)),
                null);
        StringWriter out = new StringWriter();
        CsvExport.header(out);
        CsvExport.record(out, d);

        String[] rows = out.toString().split("\r\n", -1);
        assertThat(rows).hasSize(3);
        assertThat(rows[0]).isEqualTo(String.join(",", CsvExport.COLUMNS));
        assertThat(rows[1])
                .isEqualTo("2026-03-01T08:00:00Z,acme/shop,4," + "h".repeat(64) + "," + "p".repeat(64)
                        + ",EVALUATION,pipeline.BUILD_FINISHED,shop,e-4,cdevents,c0ffee,main,,,,production,,,alice,SUCCESS,"
                        + "change-approval=PASS; secret-scan=FAIL," + "e".repeat(64) + ",\"built, tested\"");
    }
}
