package dev.vigil.cli.bench;

import java.util.Map;

/**
 * Where the driver sends and searches, and with which keys (tenant → API key). The keys are
 * secrets: never printed; {@link #toString()} names only the tenants.
 *
 * @param ingestUrl base URL of ingest ({@code http://127.0.0.1:8080})
 * @param auditApiUrl base URL of audit-api
 * @param publisherKeys a publisher key per tenant, for {@code POST /v1/events}
 * @param auditorKeys an auditor key per tenant, for the probes' {@code GET /v1/audit/records}
 */
public record BenchEndpoints(
        String ingestUrl, String auditApiUrl, Map<String, String> publisherKeys, Map<String, String> auditorKeys) {

    public BenchEndpoints {
        ingestUrl = trimSlash(ingestUrl);
        auditApiUrl = trimSlash(auditApiUrl);
        publisherKeys = Map.copyOf(publisherKeys);
        auditorKeys = Map.copyOf(auditorKeys);
    }

    private static String trimSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String toString() {
        return "BenchEndpoints[ingestUrl=" + ingestUrl + ", auditApiUrl=" + auditApiUrl + ", publishers="
                + publisherKeys.keySet() + ", auditors=" + auditorKeys.keySet() + "]";
    }
}
