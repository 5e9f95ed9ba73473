package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code GET /v1/audit/export?format=csv|jsonl|oscal&from&to&scope}: the caller's tenant's trail
 * records of a period, streamed (chunked) in the documented record order ({@code @timestamp},
 * {@code chain.id}, {@code chain.seq}) through one point in time, {@code pageSize} hits per
 * request: an export of any size holds one page in memory. The export is written to the trail
 * ({@link AccessLog}, action {@code export}) before its first byte.
 */
final class ExportEndpoint {

    static final String PATH = "/v1/audit/export";

    private final ElasticsearchClient client;
    private final String alias;
    private final String keepAlive;
    private final int pageSize;
    private final AccessLog accessLog;
    private final Clock clock;

    ExportEndpoint(
            ElasticsearchClient client,
            String alias,
            String keepAlive,
            int pageSize,
            AccessLog accessLog,
            Clock clock) {
        this.client = client;
        this.alias = alias;
        this.keepAlive = keepAlive;
        this.pageSize = pageSize;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    Response handle(Request request) throws IOException {
        ExportRequest parsed = ExportRequest.parse(request.query(), true);
        String tenant = request.principal().tenant();
        // Opened before the access is recorded and the answer starts: an unreachable Elasticsearch
        // is still a clean 503, not a cut-off download.
        String pit = client.openPointInTime(o -> o.index(alias).keepAlive(t -> t.time(keepAlive)))
                .id();
        try {
            accessLog.record(
                    request, "export", Map.of("format", parsed.format().name().toLowerCase(java.util.Locale.ROOT)));
        } catch (RuntimeException e) {
            closeQuietly(pit);
            throw e;
        }
        Query query = RecordSearch.query(tenant, parsed.filters());
        Response.BodyWriter writer =
                switch (parsed.format()) {
                    case CSV ->
                        out -> {
                            Writer w =
                                    new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
                            CsvExport.header(w);
                            for (Iterator<AuditDocument> it = records(pit, query); it.hasNext(); ) {
                                CsvExport.record(w, it.next());
                            }
                            w.flush();
                        };
                    case JSONL ->
                        out -> {
                            OutputStream o = new java.io.BufferedOutputStream(out, 64 * 1024);
                            for (Iterator<AuditDocument> it = records(pit, query); it.hasNext(); ) {
                                // The document as stored (null fields omitted, as when it was hashed):
                                // each line re-verifies on its own.
                                o.write(Json.mapper().writeValueAsBytes(it.next()));
                                o.write('\n');
                            }
                            o.flush();
                        };
                    case OSCAL ->
                        out -> {
                            try (JsonGenerator g = Json.mapper().getFactory().createGenerator(new NonClosing(out))) {
                                OscalExport.write(
                                        g,
                                        new OscalExport.Period(
                                                tenant, parsed.scope(), parsed.from(), parsed.to(), clock.instant()),
                                        records(pit, query),
                                        control -> records(pit, withVerdictOf(query, control)));
                            }
                        };
                };
        Response.BodyWriter closing = out -> {
            try {
                writer.writeTo(out);
            } finally {
                closeQuietly(pit);
            }
        };
        return Response.stream(200, parsed.format().mediaType, closing)
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"" + parsed.fileName(tenant, parsed.format().extension) + "\"")
                .header("Cache-Control", "no-store");
    }

    private Iterator<AuditDocument> records(String pit, Query query) {
        Iterator<Hit<AuditDocument>> hits =
                new PitStream<>(client, pit, keepAlive, query, RecordSearch.SORT, pageSize, AuditDocument.class);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return hits.hasNext();
            }

            @Override
            public AuditDocument next() {
                return hits.next().source();
            }
        };
    }

    /** The export's query narrowed to records with a verdict of {@code control} (verdicts are nested). */
    static Query withVerdictOf(Query query, String control) {
        return Query.of(q -> q.bool(b -> b.filter(query)
                .filter(f -> f.nested(n -> n.path("verdicts")
                        .query(nq -> nq.term(
                                t -> t.field(AuditFields.VERDICT_CONTROL).value(control)))))));
    }

    private void closeQuietly(String pit) {
        try {
            client.closePointInTime(c -> c.id(pit));
        } catch (IOException | RuntimeException e) {
            // it expires after its keep-alive anyway
        }
    }

    /** Lets a generator be closed (flushing it) without closing the response stream under it. */
    static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
