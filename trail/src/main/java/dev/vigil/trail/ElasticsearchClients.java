package dev.vigil.trail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hc.core5.http.HttpHost;

/** Builds the typed Elasticsearch client over the low-level REST 5 client, mapped with Vigil's Jackson setup. */
public final class ElasticsearchClients {

    private ElasticsearchClients() {}

    public static ElasticsearchClient create(String url) {
        URI uri = URI.create(url);
        Rest5Client rest = Rest5Client.builder(new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()))
                .build();
        // The client reads documents out of a larger response stream, so "trailing tokens" after a
        // document are normal there: that check (on in Vigil's mapper) must be off for it.
        var mapper = Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return new ElasticsearchClient(new Rest5ClientTransport(rest, new JacksonJsonpMapper(mapper)));
    }

    public static void close(ElasticsearchClient client) {
        try {
            client._transport().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
