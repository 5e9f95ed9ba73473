package dev.vigil.streams.indexer;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.indices.GetIndicesSettingsResponse;
import co.elastic.clients.elasticsearch.indices.IndexState;
import co.elastic.clients.elasticsearch.indices.IndicesBlockOptions;
import dev.vigil.trail.AuditIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the trail's monthly indices: once a month has ended more than the grace period ago
 * ({@code vigil.trail.seal-grace-days}), its index gets {@code index.blocks.write: true}, so
 * nothing (not even a bulk create with valid credentials) can add to that month any more. Sealing
 * is idempotent and never unseals; indices that are not monthly trail indices (the legacy {@code
 * -000001}) are left alone.
 *
 * <p>A record chained in a sealed month arriving afterwards (the pipeline was down longer than the
 * grace period) is refused by Elasticsearch; the indexer raises an alarm and retries it with
 * backoff, it never drops it. An operator decides: lift the block for that index, let it through,
 * seal again (documented in docs/operations.md).
 */
final class IndexSealer {

    private static final Logger LOG = LoggerFactory.getLogger(IndexSealer.class);

    private final ElasticsearchClient es;
    private final AuditIndex index;
    private final Duration grace;
    private final Clock clock;

    IndexSealer(ElasticsearchClient es, AuditIndex index, Duration grace, Clock clock) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("negative grace period " + grace);
        }
        this.es = es;
        this.index = index;
        this.grace = grace;
        this.clock = clock;
    }

    /** Whether a month's index is due for sealing at {@code now}: the month ended more than {@code grace} ago. */
    static boolean due(YearMonth month, Instant now, Duration grace) {
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return now.isAfter(end.plus(grace));
    }

    /** Which of these index names are due for sealing at {@code now} (monthly trail indices only). */
    static List<String> dueIndices(AuditIndex index, Iterable<String> names, Instant now, Duration grace) {
        List<String> due = new ArrayList<>();
        for (String name : names) {
            Optional<YearMonth> month = index.monthOf(name);
            if (month.isPresent() && due(month.get(), now, grace)) {
                due.add(name);
            }
        }
        return due;
    }

    /** Seals every due index not yet sealed; answers the indices it sealed now. */
    List<String> sealDue() throws IOException {
        GetIndicesSettingsResponse settings =
                es.indices().getSettings(g -> g.index(index.indexPattern()).allowNoIndices(true));
        List<String> unsealed = new ArrayList<>();
        for (Map.Entry<String, IndexState> e : settings.settings().entrySet()) {
            if (!writeBlocked(e.getValue())) {
                unsealed.add(e.getKey());
            }
        }
        List<String> due = dueIndices(index, unsealed, clock.instant(), grace);
        for (String name : due) {
            // The add-block API can only add: a role allowed to seal (indices:admin/block/add) cannot unseal.
            es.indices().addBlock(b -> b.index(name).block(IndicesBlockOptions.Write));
            LOG.info(
                    "sealed trail index {} (index.blocks.write=true): its month ended more than {} ago; a record"
                            + " chained in that month arriving now is refused and alarmed by the indexer",
                    name,
                    grace);
        }
        return due;
    }

    private static boolean writeBlocked(IndexState state) {
        var settings = state.settings();
        if (settings == null) {
            return false;
        }
        var blocks = settings.index() != null ? settings.index().blocks() : settings.blocks();
        if (blocks == null || blocks.write() == null) {
            return false;
        }
        return Boolean.TRUE.equals(blocks.write());
    }
}
