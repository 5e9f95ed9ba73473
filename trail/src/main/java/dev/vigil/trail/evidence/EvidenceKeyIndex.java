package dev.vigil.trail.evidence;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The data keys of encrypted evidence payloads in Elasticsearch: one index {@code
 * <p>vigil-evidence-keys}, one document per payload, {@code _id} = {@code tenant/sha256} (the key on
 * {@code vigil.evidence-keys}). Not part of the trail: erasing a person's payload DELETES its
 * document here (docs/erasure.md); the chunks stay, as ciphertext nobody can open. Installed
 * idempotently.
 */
public final class EvidenceKeyIndex {

    private final String prefix;

    public EvidenceKeyIndex(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    public static String documentId(String tenant, String sha256) {
        return tenant + "/" + sha256;
    }

    public String name() {
        return prefix + "vigil-evidence-keys";
    }

    public void install(ElasticsearchClient client) {
        try {
            client.indices().create(c -> c.index(name())
                    .settings(s -> s.numberOfShards("1").autoExpandReplicas("0-1"))
                    .mappings(m -> m.dynamic(co.elastic.clients.elasticsearch._types.mapping.DynamicMapping.Strict)
                            .properties("tenant", p -> p.keyword(k -> k))
                            .properties("sha256", p -> p.keyword(k -> k))
                            .properties("key", p -> p.binary(b -> b))));
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot install the evidence key index in Elasticsearch: " + e.getMessage(), e);
        }
    }
}
