package dev.vigil.trail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Names and installation of the trail's indices: one index per month, {@code
 * <prefix>vigil-audit-v2-YYYY.MM}, created on first write through a versioned composable template
 * that holds the strict mapping and adds every such index to the read alias {@code
 * <prefix>vigil-audit}. Searches and verification go through the alias; writers name the month's
 * index themselves ({@link #indexFor}), so there is no write index and no rollover to coordinate.
 *
 * <p>The month is the one of the record's chained time ({@code AuditRecord.recordedAt}, stored as
 * {@code event.ingested}), which only grows along a chain, never the event time (an input may
 * describe something months old). The same record therefore always lands in the same index, and a
 * replay meets its 409 there. A month whose index is sealed ({@code index.blocks.write}) refuses
 * late records: see {@code IndexSealer} in the indexer.
 *
 * <p>Installation is idempotent (put-template overwrites with the same content; an index that
 * already exists is success), so every service may run it at start without a check-then-create
 * race. Indices of earlier mapping versions ({@code <prefix>vigil-audit-v1-*}) stay behind the alias.
 */
public final class AuditIndex {

    /**
     * 2: {@code verdicts} nested (a control's result is matched within one verdict) and
     * {@code labels} flattened (attributes searchable, e.g. {@code labels.violation.control-id}).
     * The documents, and so their hashes, are the same as under 1.
     */
    public static final int MAPPING_VERSION = 2;

    /**
     * How often new documents become searchable in indices created from now on (existing indices
     * keep theirs). 500 ms rather than Elasticsearch's 1 s: the refresh is most of "indexed →
     * searchable", and halving it halved that latency in {@code IndexerThroughputBench#searchableLatency}
     * (docs/performance.md, "Indexer and refresh").
     */
    public static final String REFRESH_INTERVAL = "500ms";

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("uuuu.MM", Locale.ROOT);

    private final String prefix;

    public AuditIndex(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    /** The alias every reader uses; it spans all monthly indices. */
    public String alias() {
        return prefix + "vigil-audit";
    }

    /** The optional component template an operator may create for production settings (e.g. the ILM policy). */
    public String customTemplateName() {
        return templateName() + "@custom";
    }

    public String templateName() {
        return prefix + "vigil-audit-v" + MAPPING_VERSION;
    }

    public String indexPattern() {
        return indexBase() + "*";
    }

    private String indexBase() {
        return prefix + "vigil-audit-v" + MAPPING_VERSION + "-";
    }

    /** The index a record chained at {@code recordedAt} is written to: its UTC month. */
    public String indexFor(Instant recordedAt) {
        return indexFor(YearMonth.from(recordedAt.atZone(ZoneOffset.UTC)));
    }

    public String indexFor(YearMonth month) {
        return indexBase() + MONTH.format(month);
    }

    /**
     * The index of a stored document's {@code event.ingested} (ISO-8601 instant), the field the
     * month is chosen from.
     */
    public String indexFor(AuditDocument doc) {
        return indexFor(Instant.parse(doc.event().ingested()));
    }

    /** The month a monthly trail index holds, or empty for any other name (e.g. the legacy {@code -000001}). */
    public Optional<YearMonth> monthOf(String indexName) {
        if (!indexName.startsWith(indexBase())) {
            return Optional.empty();
        }
        String suffix = indexName.substring(indexBase().length());
        if (!suffix.matches("\\d{4}\\.\\d{2}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(YearMonth.parse(suffix, MONTH));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Installs the template and creates the current month's index, so the alias exists before the first record. */
    public void install(ElasticsearchClient client) {
        install(client, Instant.now());
    }

    public void install(ElasticsearchClient client, Instant now) {
        try {
            TypeMapping mapping;
            try (InputStream in =
                    AuditIndex.class.getResourceAsStream("audit-mappings-v" + MAPPING_VERSION + ".json")) {
                mapping = TypeMapping.of(m -> m.withJson(in));
            }
            client.indices().putIndexTemplate(t -> t.name(templateName())
                    .indexPatterns(indexPattern())
                    // The operator's own settings (ILM policy, replicas, allocation) live in this optional
                    // component template, which Vigil never writes; this template's own settings and
                    // mapping win over it (docs/operations.md).
                    .composedOf(customTemplateName())
                    .ignoreMissingComponentTemplates(customTemplateName())
                    .priority(200L)
                    .version((long) MAPPING_VERSION)
                    .meta("managed_by", JsonData.of("vigil"))
                    // 0-1 replicas: green on the one-box node, one replica as soon as a second data node exists.
                    .template(tt -> tt.settings(s -> s.numberOfShards("1")
                                    .autoExpandReplicas("0-1")
                                    .refreshInterval(r -> r.time(REFRESH_INTERVAL)))
                            .mappings(mapping)
                            // Every monthly index joins the read alias as it is created: readers never miss a month.
                            .aliases(alias(), a -> a)));
            createIndex(client, indexFor(now));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the audit index in Elasticsearch: " + e.getMessage(), e);
        }
    }

    /** Creates a monthly index through the template (idempotent); the indexer's bulk writes create them too. */
    public static void createIndex(ElasticsearchClient client, String name) throws IOException {
        try {
            client.indices().create(c -> c.index(name));
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }
}
