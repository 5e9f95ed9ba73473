package dev.vigil.trail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Names and installation of the trail's index: a versioned composable template with a strict
 * mapping, and a first index behind the {@code <prefix>vigil-audit} alias. Installation is
 * idempotent (put-template overwrites with the same content; an index that already exists is
 * success), so every service may run it at start without a check-then-create race.
 */
public final class AuditIndex {

    public static final int MAPPING_VERSION = 1;

    private final String prefix;

    public AuditIndex(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    /** The alias every reader and writer uses. */
    public String alias() {
        return prefix + "vigil-audit";
    }

    public String templateName() {
        return prefix + "vigil-audit-v" + MAPPING_VERSION;
    }

    public String indexPattern() {
        return prefix + "vigil-audit-v" + MAPPING_VERSION + "-*";
    }

    public String firstIndex() {
        return prefix + "vigil-audit-v" + MAPPING_VERSION + "-000001";
    }

    public void install(ElasticsearchClient client) {
        try {
            TypeMapping mapping;
            try (InputStream in = AuditIndex.class.getResourceAsStream("audit-mappings-v1.json")) {
                mapping = TypeMapping.of(m -> m.withJson(in));
            }
            client.indices().putIndexTemplate(t -> t.name(templateName())
                    .indexPatterns(indexPattern())
                    .priority(200L)
                    .version((long) MAPPING_VERSION)
                    .meta("managed_by", co.elastic.clients.json.JsonData.of("vigil"))
                    .template(tt -> tt.settings(s ->
                                    s.numberOfShards("1").numberOfReplicas("0").refreshInterval(r -> r.time("1s")))
                            .mappings(mapping)));
            try {
                client.indices().create(c -> c.index(firstIndex()).aliases(alias(), a -> a.isWriteIndex(true)));
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the audit index in Elasticsearch: " + e.getMessage(), e);
        }
    }
}
