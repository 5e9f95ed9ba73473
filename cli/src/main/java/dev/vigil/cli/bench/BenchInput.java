package dev.vigil.cli.bench;

/**
 * One generated HTTP input for ingest, as a CI system or scanner would send it.
 *
 * @param tenant whose publisher key sends it
 * @param scope the repository or service it is about ({@code github.com/bench-t0/repo-017})
 * @param mix what it is, for the per-kind figures
 * @param pathAndQuery the ingest path with its query, e.g. {@code /v1/events?format=trivy&repository=...}
 * @param contentType the request's media type
 * @param body the request body
 * @param probe whether the driver follows it until it is searchable through audit-api
 */
public record BenchInput(
        String tenant, String scope, Mix mix, String pathAndQuery, String contentType, byte[] body, boolean probe) {

    /** The kinds of input the realistic mix is made of. */
    public enum Mix {
        MERGE,
        REVIEW,
        BUILD,
        DEPLOY,
        SARIF,
        TRIVY,
        CYCLONEDX,
        IDS
    }
}
