package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import dev.vigil.trail.verify.BundleManifest;
import dev.vigil.trail.verify.BundleSignatures;
import dev.vigil.trail.verify.PemKeyRing;
import dev.vigil.trail.verify.TrailVerifier;
import dev.vigil.trail.verify.VerifyReport;
import dev.vigil.trail.verify.VerifyRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code GET /v1/audit/export/bundle?from&to&scope}: a signed evidence bundle (docs/exports.md),
 * streamed as {@code application/zip}: {@code records.jsonl}, {@code checkpoints.jsonl},
 * {@code verification.json}, {@code keys/<keyId>.pem}, {@code export-key.pem}, then
 * {@code manifest.json} (SHA-256 and size of every entry) and {@code manifest.sig}.
 *
 * <p>{@code records.jsonl} holds, for each chain with records in the period (and scope), the span
 * {@code vigil verify} checks for that period: from the seq before its first record in the period
 * (the anchor; seq 1 without a period) to its last one (to the chain's end without {@code to}), in
 * chain id then seq order, whatever their {@code @timestamp}: event times are not in seq order, and
 * a time-filtered chain would have gaps that look like deletions. {@code checkpoints.jsonl} holds
 * the tenant's checkpoints of those chains within those spans. Memory holds one page of records
 * and one entry per chain.
 *
 * <p>The bundle is signed with the audit API's export key, never the trail's checkpoint key.
 */
final class BundleEndpoint {

    static final String PATH = "/v1/audit/export/bundle";
    private static final int CHAIN_PAGE = 500;
    private static final List<SortOptions> CHAIN_ORDER =
            List.of(ascending(AuditFields.CHAIN_SEQ), ascending("_shard_doc"));

    private final ElasticsearchClient client;
    private final String indexPrefix;
    private final String trailAlias;
    private final String checkpointAlias;
    private final String keepAlive;
    private final int pageSize;
    private final Path publicKeysDir;
    private final Path exportKeyFile;
    private final AccessLog accessLog;
    private final Clock clock;

    BundleEndpoint(
            ElasticsearchClient client,
            String indexPrefix,
            String keepAlive,
            int pageSize,
            Path publicKeysDir,
            Path exportKeyFile,
            AccessLog accessLog,
            Clock clock) {
        this.client = client;
        this.indexPrefix = indexPrefix;
        this.trailAlias = new AuditIndex(indexPrefix).alias();
        this.checkpointAlias = new CheckpointIndex(indexPrefix).alias();
        this.keepAlive = keepAlive;
        this.pageSize = pageSize;
        this.publicKeysDir = publicKeysDir;
        this.exportKeyFile = exportKeyFile;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    /** The export public key, when the key file exists (for {@code GET /v1/audit/keys}). */
    static SigningKey loadKey(Path file) {
        if (!Files.exists(file)) {
            throw new ProblemException(Problem.of(
                    503,
                    "export-key-missing",
                    "Export Signing Key Missing",
                    "This audit API has no export signing key, so it cannot sign evidence bundles; `vigil up`"
                            + " generates one, or set vigil.audit-api.export-signing-key-file."));
        }
        return SigningKeys.load(file);
    }

    Response handle(Request request) throws IOException {
        ExportRequest parsed = ExportRequest.parse(request.query(), false);
        String tenant = request.principal().tenant();
        SigningKey key = loadKey(exportKeyFile);
        VerifyRequest verifyRequest = new VerifyRequest(
                tenant,
                parsed.scope(),
                parsed.from(),
                parsed.to(),
                VerifyEndpoint.MAX_DOCUMENTS,
                VerifyEndpoint.TIME_LIMIT);
        String trailPit = null;
        String checkpointPit = null;
        try {
            Map<String, long[]> spans = chainSpans(tenant, parsed);
            trailPit = openPit(trailAlias);
            checkpointPit = openPit(checkpointAlias);
            accessLog.record(request, "export", Map.of("format", "bundle"));
            String records = trailPit;
            String checkpoints = checkpointPit;
            Response.BodyWriter writer = out -> {
                try {
                    write(out, tenant, parsed, verifyRequest, spans, records, checkpoints, key);
                } finally {
                    closeQuietly(records);
                    closeQuietly(checkpoints);
                }
            };
            return Response.stream(200, "application/zip", writer)
                    .header("Content-Disposition", "attachment; filename=\"" + parsed.fileName(tenant, "zip") + "\"")
                    .header("Cache-Control", "no-store");
        } catch (IOException | RuntimeException e) {
            closeQuietly(trailPit);
            closeQuietly(checkpointPit);
            throw e;
        }
    }

    private void write(
            OutputStream out,
            String tenant,
            ExportRequest parsed,
            VerifyRequest verifyRequest,
            Map<String, long[]> spans,
            String trailPit,
            String checkpointPit,
            SigningKey key)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new ExportEndpoint.NonClosing(out), StandardCharsets.UTF_8);
        List<BundleManifest.Entry> entries = new ArrayList<>();
        List<BundleManifest.ChainSpan> exported = new ArrayList<>();

        Entry records = Entry.open(zip, BundleManifest.RECORDS);
        if (trailPit != null) {
            for (Map.Entry<String, long[]> span : spans.entrySet()) {
                long first = parsed.from() == null && parsed.to() == null ? 1 : Math.max(1, span.getValue()[0] - 1);
                Long last = parsed.to() == null ? null : span.getValue()[1];
                Query q = chainQuery(tenant, span.getKey(), first, last);
                long firstSeen = -1;
                long lastSeen = -1;
                long count = 0;
                for (PitStream<AuditDocument> it = new PitStream<>(
                                client, trailPit, keepAlive, q, CHAIN_ORDER, pageSize, AuditDocument.class);
                        it.hasNext(); ) {
                    AuditDocument d = it.next().source();
                    records.write(Json.mapper().writeValueAsBytes(d));
                    records.write(new byte[] {'\n'});
                    if (firstSeen < 0) {
                        firstSeen = d.chain().seq();
                    }
                    lastSeen = d.chain().seq();
                    count++;
                }
                if (count > 0) {
                    exported.add(new BundleManifest.ChainSpan(span.getKey(), firstSeen, lastSeen, count));
                }
            }
        }
        entries.add(records.close());

        Entry checkpoints = Entry.open(zip, BundleManifest.CHECKPOINTS);
        if (checkpointPit != null) {
            for (BundleManifest.ChainSpan span : exported) {
                Query q = chainQuery(tenant, span.id(), span.firstSeq(), span.lastSeq());
                for (PitStream<CheckpointDocument> it = new PitStream<>(
                                client, checkpointPit, keepAlive, q, CHAIN_ORDER, pageSize, CheckpointDocument.class);
                        it.hasNext(); ) {
                    checkpoints.write(Json.mapper().writeValueAsBytes(it.next().source()));
                    checkpoints.write(new byte[] {'\n'});
                }
            }
        }
        entries.add(checkpoints.close());

        VerifyReport report = new TrailVerifier(client, indexPrefix, PemKeyRing.load(publicKeysDir))
                .verify(verifyRequest, null, null);
        entries.add(Entry.whole(
                zip, BundleManifest.VERIFICATION, (report.toJson() + "\n").getBytes(StandardCharsets.UTF_8)));

        for (PublicKeyRing.Entry k : PublicKeyRing.load(publicKeysDir).entries()) {
            entries.add(Entry.whole(
                    zip, BundleManifest.KEYS_DIR + k.keyId() + ".pem", k.pem().getBytes(StandardCharsets.US_ASCII)));
        }
        entries.add(Entry.whole(
                zip,
                BundleManifest.EXPORT_KEY,
                SigningKeys.publicPem(key.publicKey()).getBytes(StandardCharsets.US_ASCII)));

        BundleManifest manifest = new BundleManifest(
                BundleManifest.FORMAT,
                BundleManifest.VERSION,
                tenant,
                parsed.scope(),
                parsed.from() == null ? null : parsed.from().toString(),
                parsed.to() == null ? null : parsed.to().toString(),
                clock.instant().toString(),
                key.keyId(),
                "Ed25519",
                entries,
                exported);
        byte[] manifestBytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        Entry.whole(zip, BundleManifest.MANIFEST, manifestBytes);
        Entry.whole(
                zip,
                BundleManifest.SIGNATURE,
                BundleSignatures.sign(manifestBytes, key).getBytes(StandardCharsets.US_ASCII));
        zip.finish();
        zip.flush();
    }

    /** Chain id → [min seq, max seq] of the tenant's records in the period and scope, by chain id. */
    private Map<String, long[]> chainSpans(String tenant, ExportRequest parsed) throws IOException {
        Map<String, long[]> spans = new TreeMap<>();
        Query query = RecordSearch.query(tenant, parsed.filters());
        Map<String, FieldValue> after = null;
        while (true) {
            Map<String, FieldValue> afterKey = after;
            SearchResponse<Void> r;
            try {
                r = client.search(
                        s -> s.index(trailAlias).size(0).query(query).aggregations("chains", a -> a.composite(c -> {
                                    c.size(CHAIN_PAGE)
                                            .sources(co.elastic.clients.util.NamedValue.of(
                                                    "chain",
                                                    CompositeAggregationSource.of(
                                                            cs -> cs.terms(t -> t.field(AuditFields.CHAIN_ID)))));
                                    if (afterKey != null) {
                                        c.after(afterKey);
                                    }
                                    return c;
                                })
                                .aggregations("min", m -> m.min(x -> x.field(AuditFields.CHAIN_SEQ)))
                                .aggregations("max", m -> m.max(x -> x.field(AuditFields.CHAIN_SEQ)))),
                        Void.class);
            } catch (ElasticsearchException e) {
                if (e.status() == 404) {
                    return spans;
                }
                throw e;
            }
            var composite = r.aggregations().get("chains").composite();
            List<CompositeBucket> buckets = composite.buckets().array();
            for (CompositeBucket b : buckets) {
                spans.put(b.key().get("chain").stringValue(), new long[] {
                    (long) b.aggregations().get("min").min().value().doubleValue(),
                    (long) b.aggregations().get("max").max().value().doubleValue()
                });
            }
            if (buckets.size() < CHAIN_PAGE || composite.afterKey() == null) {
                return spans;
            }
            after = new LinkedHashMap<>(composite.afterKey());
        }
    }

    private static Query chainQuery(String tenant, String chain, long fromSeq, Long toSeq) {
        return Query.of(q -> q.bool(
                b -> b.filter(f -> f.term(t -> t.field(AuditFields.TENANT).value(tenant)))
                        .filter(f -> f.term(t -> t.field(AuditFields.CHAIN_ID).value(chain)))
                        .filter(f -> f.range(r -> r.number(n -> {
                            n.field(AuditFields.CHAIN_SEQ).gte((double) fromSeq);
                            if (toSeq != null) {
                                n.lte((double) toSeq);
                            }
                            return n;
                        })))));
    }

    private String openPit(String alias) throws IOException {
        try {
            return client.openPointInTime(o -> o.index(alias).keepAlive(t -> t.time(keepAlive)))
                    .id();
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private void closeQuietly(String pit) {
        if (pit == null) {
            return;
        }
        try {
            client.closePointInTime(c -> c.id(pit));
        } catch (IOException | RuntimeException e) {
            // it expires after its keep-alive anyway
        }
    }

    private static SortOptions ascending(String field) {
        return SortOptions.of(o -> o.field(f -> f.field(field).order(SortOrder.Asc)));
    }

    /** One zip entry being written, with the SHA-256 and size the manifest will list. */
    private static final class Entry {
        private final ZipOutputStream zip;
        private final String name;
        private final MessageDigest sha;
        private long size;

        private Entry(ZipOutputStream zip, String name) {
            this.zip = zip;
            this.name = name;
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        static Entry open(ZipOutputStream zip, String name) throws IOException {
            zip.putNextEntry(new ZipEntry(name));
            return new Entry(zip, name);
        }

        static BundleManifest.Entry whole(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
            Entry e = open(zip, name);
            e.write(bytes);
            return e.close();
        }

        void write(byte[] bytes) throws IOException {
            zip.write(bytes);
            sha.update(bytes);
            size += bytes.length;
        }

        BundleManifest.Entry close() throws IOException {
            zip.closeEntry();
            return new BundleManifest.Entry(name, HexFormat.of().formatHex(sha.digest()), size);
        }
    }
}
