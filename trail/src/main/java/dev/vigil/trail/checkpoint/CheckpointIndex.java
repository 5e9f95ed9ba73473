package dev.vigil.trail.checkpoint;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Where signed checkpoints live in Elasticsearch: template {@code <p>vigil-checkpoints-v1}, index
 * {@code <p>vigil-checkpoints-v1-000001}, alias {@code <p>vigil-checkpoints}; strict mapping
 * {@code checkpoint-mappings-v1.json}. Installed idempotently.
 */
public final class CheckpointIndex {

    public static final int MAPPING_VERSION = 1;

    private final String prefix;

    public CheckpointIndex(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    public String alias() {
        return prefix + "vigil-checkpoints";
    }

    public String templateName() {
        return prefix + "vigil-checkpoints-v" + MAPPING_VERSION;
    }

    public String indexPattern() {
        return prefix + "vigil-checkpoints-v" + MAPPING_VERSION + "-*";
    }

    public String firstIndex() {
        return prefix + "vigil-checkpoints-v" + MAPPING_VERSION + "-000001";
    }

    public void install(ElasticsearchClient client) {
        try {
            TypeMapping mapping;
            try (InputStream in = CheckpointIndex.class.getResourceAsStream("checkpoint-mappings-v1.json")) {
                mapping = TypeMapping.of(m -> m.withJson(in));
            }
            client.indices().putIndexTemplate(t -> t.name(templateName())
                    .indexPatterns(indexPattern())
                    .priority(200L)
                    .version((long) MAPPING_VERSION)
                    .template(tt -> tt.settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                            .mappings(mapping)));
            try {
                client.indices().create(c -> c.index(firstIndex()).aliases(alias(), a -> a.isWriteIndex(true)));
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the checkpoint index in Elasticsearch: " + e.getMessage(), e);
        }
    }
}
