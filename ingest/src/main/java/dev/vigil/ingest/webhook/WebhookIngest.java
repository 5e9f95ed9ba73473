package dev.vigil.ingest.webhook;

import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.ingest.adapter.InputAdapter;

/**
 * The ingest path a verified webhook continues on: the same adapter, publication, refusal and
 * de-duplication handling as {@code POST /v1/events}, with the tenant of the webhook source.
 */
@FunctionalInterface
public interface WebhookIngest {
    Response ingest(Request request, String tenant, InputAdapter adapter);
}
