package dev.vigil.trail.evidence;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Where raw evidence lives in Elasticsearch: template {@code <p>vigil-evidence-v1}, index {@code
 * <p>vigil-evidence-v1-000001} (write index) behind the alias {@code <p>vigil-evidence}; strict
 * mapping {@code evidence-mappings-v1.json}, {@code data} as {@code binary}. One document per
 * chunk, {@code _id} = {@code tenant/sha256/index} (the chunk's Kafka key). Installed idempotently.
 */
public final class EvidenceIndex {

    public static final int MAPPING_VERSION = 1;

    /** Field names of the evidence mapping. */
    public static final String TENANT = "tenant";

    public static final String SHA256 = "sha256";
    public static final String INDEX = "index";
    public static final String COUNT = "count";
    public static final String SIZE = "size";
    public static final String MEDIA_TYPE = "media_type";
    public static final String RECEIVED_AT = "received_at";
    public static final String DATA = "data";
    public static final String ENCRYPTION = "encryption";

    private final String prefix;

    public EvidenceIndex(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    public static String documentId(String tenant, String sha256, int index) {
        return tenant + "/" + sha256 + "/" + index;
    }

    public String alias() {
        return prefix + "vigil-evidence";
    }

    /** The optional component template an operator may create for production settings. */
    public String customTemplateName() {
        return templateName() + "@custom";
    }

    public String templateName() {
        return prefix + "vigil-evidence-v" + MAPPING_VERSION;
    }

    public String indexPattern() {
        return prefix + "vigil-evidence-v" + MAPPING_VERSION + "-*";
    }

    public String firstIndex() {
        return prefix + "vigil-evidence-v" + MAPPING_VERSION + "-000001";
    }

    public void install(ElasticsearchClient client) {
        try {
            TypeMapping mapping;
            try (InputStream in = EvidenceIndex.class.getResourceAsStream("evidence-mappings-v1.json")) {
                mapping = TypeMapping.of(m -> m.withJson(in));
            }
            client.indices().putIndexTemplate(t -> t.name(templateName())
                    .indexPatterns(indexPattern())
                    // Operator settings (ILM, replicas) go into this optional component template; ours win over it.
                    .composedOf(customTemplateName())
                    .ignoreMissingComponentTemplates(customTemplateName())
                    .priority(200L)
                    .version((long) MAPPING_VERSION)
                    .meta("managed_by", JsonData.of("vigil"))
                    // 0-1 replicas: green on the one-box node, one replica as soon as a second data node exists.
                    .template(tt -> tt.settings(s -> s.numberOfShards("1").autoExpandReplicas("0-1"))
                            .mappings(mapping)));
            try {
                client.indices().create(c -> c.index(firstIndex()).aliases(alias(), a -> a.isWriteIndex(true)));
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
            // Indices made before chunks were encrypted lack the field (strict mapping); adding one is allowed.
            client.indices().putMapping(p -> p.index(alias()).properties(ENCRYPTION, pr -> pr.keyword(k -> k)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the evidence index in Elasticsearch: " + e.getMessage(), e);
        }
    }
}
