package dev.vigil.auditapi.violations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Reads a Server-Sent Events stream the way a browser's EventSource would, with a plain HTTP client. */
final class SseClient implements AutoCloseable {

    record Event(String type, String id, JsonNode data) {}

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int status;
    final String contentType;
    private final InputStream body;
    private final BufferedReader reader;

    SseClient(String url, String key, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        this.status = r.statusCode();
        this.contentType = r.headers().firstValue("Content-Type").orElse("");
        this.body = r.body();
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** Reads up to the opening comment: from then on, the server is consuming. */
    void awaitConnected() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.equals(": connected")) {
                return;
            }
        }
        throw new IOException("stream ended before it was connected");
    }

    /** The next event, skipping comments (keep-alives). */
    Event next() throws IOException {
        String type = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    return new Event(type, id, Json.mapper().readTree(data.toString()));
                }
                type = null;
                id = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            if (line.startsWith("event: ")) {
                type = line.substring(7);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            }
        }
        throw new IOException("stream ended");
    }

    String rawBody() throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
