package dev.vigil.cli.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Elasticsearch ceiling: the trail documents of the inputs, chained as the streams app chains them, bulk-created
 * as the audit indexer creates them ({@code op_type=create}, {@code _id = tenant/scope:seq}, the month's index of the
 * trail template, the indexer's default batch), into a scratch trail index installed by {@link AuditIndex}.
 */
final class CeilingElasticsearch {

    /** What one run counted; {@code held} is the index's document count after the final refresh. */
    record Run(long count, long bytes, double seconds, int repeats, int bulks, long held) {}

    private record Head(long seq, String hash) {}

    private final ElasticsearchClient es;
    private final AuditIndex index;

    CeilingElasticsearch(ElasticsearchClient es, AuditIndex index) {
        this.es = es;
        this.index = index;
    }

    /**
     * Chains and bulk-creates {@code drafts}, repeated whole (the chains continue, so every repeat makes new
     * {@code _id}s) until the time spent in bulk requests reached {@code minDuration} and {@code minCount} documents
     * were sent. Timed: the bulk requests (client serialization included, as in the indexer) and the final refresh;
     * not timed: chaining (hashing is the streams app's work) and building the requests.
     */
    Run bulkCreate(List<AuditRecord> drafts, int batchSize, Duration minDuration, long minCount) throws IOException {
        if (drafts.isEmpty()) {
            throw new IllegalArgumentException("no trail documents to index");
        }
        index.install(es);
        Map<String, Head> heads = new HashMap<>();
        List<Op> batch = new ArrayList<>(batchSize);
        long timed = 0;
        long count = 0;
        long bytes = 0;
        int repeats = 0;
        int bulks = 0;
        do {
            for (AuditRecord draft : drafts) {
                String chain = AuditChain.chainId(draft.getTenant(), draft.getScope());
                Head head = heads.get(chain);
                AuditRecord link = AuditRecord.newBuilder(draft)
                        .setSeq(head == null ? 1 : head.seq() + 1)
                        .setPrevHash(head == null ? AuditChain.GENESIS_HASH : head.hash())
                        .setHash("")
                        .build();
                link.setHash(AuditChain.computeHash(link));
                heads.put(chain, new Head(link.getSeq(), link.getHash()));
                AuditDocument doc = AuditChain.document(link);
                batch.add(new Op(index.indexFor(link.getRecordedAt()), doc));
                bytes += jsonBytes(doc);
                if (batch.size() == batchSize) {
                    timed += send(batch);
                    count += batch.size();
                    bulks++;
                    batch.clear();
                }
            }
            repeats++;
        } while (timed < minDuration.toNanos() || count + batch.size() < minCount);
        if (!batch.isEmpty()) {
            timed += send(batch);
            count += batch.size();
            bulks++;
        }
        long started = System.nanoTime();
        es.indices().refresh(r -> r.index(index.indexPattern()));
        timed += System.nanoTime() - started;
        long held = es.count(c -> c.index(index.indexPattern())).count();
        return new Run(count, bytes, Math.max(1e-9, timed / 1e9), repeats, bulks, held);
    }

    /** The scratch trail indices that exist now. */
    List<String> indices() throws IOException {
        return new ArrayList<>(es.indices()
                .get(g -> g.index(index.indexPattern()).allowNoIndices(true).ignoreUnavailable(true))
                .indices()
                .keySet());
    }

    /** Deletes the scratch indices (by name: wildcard deletes may be refused) and the template. */
    void cleanUp() throws IOException {
        List<String> names = indices();
        if (!names.isEmpty()) {
            es.indices().delete(d -> d.index(names).ignoreUnavailable(true));
        }
        if (es.indices().existsIndexTemplate(t -> t.name(index.templateName())).value()) {
            es.indices().deleteIndexTemplate(t -> t.name(index.templateName()));
        }
    }

    private record Op(String target, AuditDocument doc) {}

    private long send(List<Op> ops) throws IOException {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (Op op : ops) {
            bulk.operations(o ->
                    o.create(c -> c.index(op.target()).id(op.doc().documentId()).document(op.doc())));
        }
        long started = System.nanoTime();
        BulkResponse response = es.bulk(bulk.build());
        long elapsed = System.nanoTime() - started;
        if (response.errors()) {
            BulkResponseItem failed = response.items().stream()
                    .filter(i -> i.error() != null)
                    .findFirst()
                    .orElseThrow();
            throw new IllegalStateException("Elasticsearch refused " + failed.id() + ": " + failed.status() + " "
                    + failed.error().type() + " " + failed.error().reason());
        }
        return elapsed;
    }

    private static long jsonBytes(AuditDocument doc) {
        try {
            return Json.mapper().writeValueAsBytes(doc).length;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
