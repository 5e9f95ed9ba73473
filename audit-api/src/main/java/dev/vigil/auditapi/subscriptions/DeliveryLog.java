package dev.vigil.auditapi.subscriptions;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every webhook attempt, in the Elasticsearch index {@code <prefix>vigil-deliveries}: tenant,
 * subscription, delivery and violation ids, attempt number, status code or error, outcome and time.
 * An operational log, not part of the hash-chained trail.
 */
public final class DeliveryLog {

    private final ElasticsearchClient client;
    private final String index;
    private volatile boolean installed;

    public DeliveryLog(ElasticsearchClient client, String indexPrefix) {
        this.client = client;
        this.index = indexPrefix + "vigil-deliveries";
    }

    public String index() {
        return index;
    }

    /** One attempt: {@code outcome} is delivered, retrying, failed or refused. */
    public record Attempt(
            String tenant,
            String subscriptionId,
            String deliveryId,
            String violationId,
            String change,
            int attempt,
            Integer statusCode,
            String error,
            String outcome,
            String at) {

        Map<String, Object> document() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("tenant", tenant);
            d.put("subscription_id", subscriptionId);
            d.put("delivery_id", deliveryId);
            d.put("violation_id", violationId);
            d.put("change", change);
            d.put("attempt", attempt);
            d.put("status_code", statusCode);
            d.put("error", error);
            d.put("outcome", outcome);
            d.put("at", at);
            return d;
        }
    }

    private void install() throws IOException {
        if (installed) {
            return;
        }
        boolean exists = client.indices().exists(e -> e.index(index)).value();
        if (!exists) {
            Map<String, Property> props = new LinkedHashMap<>();
            for (String keyword :
                    List.of("tenant", "subscription_id", "delivery_id", "violation_id", "change", "outcome")) {
                props.put(keyword, Property.of(p -> p.keyword(k -> k)));
            }
            props.put("attempt", Property.of(p -> p.integer(i -> i)));
            props.put("status_code", Property.of(p -> p.integer(i -> i)));
            props.put("error", Property.of(p -> p.text(t -> t)));
            props.put("at", Property.of(p -> p.date(d -> d)));
            try {
                client.indices().create(c -> c.index(index).mappings(m -> m.properties(props)));
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        }
        installed = true;
    }

    public void record(Attempt a) throws IOException {
        install();
        client.index(i -> i.index(index).id(a.deliveryId() + ":" + a.attempt()).document(a.document()));
    }

    /** The latest attempts of one subscription of the tenant, newest first. */
    public List<Map<String, Object>> recent(String tenant, String subscriptionId, int size) throws IOException {
        install();
        Query q = Query.of(
                b -> b.bool(x -> x.filter(f -> f.term(t -> t.field("tenant").value(tenant)))
                        .filter(f -> f.term(t -> t.field("subscription_id").value(subscriptionId)))));
        var r = client.search(
                s -> s.index(index)
                        .query(q)
                        .size(size)
                        .sort(o -> o.field(f -> f.field("at").order(SortOrder.Desc)))
                        .sort(o -> o.field(f -> f.field("attempt").order(SortOrder.Desc))),
                Map.class);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Hit<Map> h : r.hits().hits()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = h.source();
            out.add(doc);
        }
        return out;
    }
}
