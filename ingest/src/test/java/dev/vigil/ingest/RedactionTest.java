package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void shouldDropCredentialHeadersAndKeepTheRest() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Authorization", List.of("Bearer vgl_abc_secret"));
        headers.put("Proxy-authorization", List.of("Basic x"));
        headers.put("X-api-key", List.of("vgl_abc_secret"));
        headers.put("Cookie", List.of("session=1"));
        headers.put("X-hub-signature-256", List.of("sha256=..."));
        headers.put("X-gitlab-token", List.of("t"));
        headers.put("X-webhook-secret", List.of("s"));
        headers.put("Content-type", List.of("application/json"));
        headers.put("X-request-id", List.of("r-1"));
        headers.put("Accept", List.of("application/json", "application/problem+json"));

        assertThat(Redaction.headers(headers))
                .containsExactly(
                        Map.entry("accept", "application/json, application/problem+json"),
                        Map.entry("content-type", "application/json"),
                        Map.entry("x-request-id", "r-1"));
    }

    @Test
    void shouldDropCredentialLikeQueryParameters() {
        assertThat(Redaction.pathAndQuery("/v1/events", "scope=acme%2Fshop&access_token=x&api_key=y"))
                .isEqualTo("/v1/events?scope=acme%2Fshop");
        assertThat(Redaction.pathAndQuery("/v1/events", "token=x")).isEqualTo("/v1/events");
        assertThat(Redaction.pathAndQuery("/v1/events", null)).isEqualTo("/v1/events");
    }
}
