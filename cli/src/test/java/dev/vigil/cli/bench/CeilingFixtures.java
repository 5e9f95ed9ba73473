package dev.vigil.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small input list of the shapes ingest accepts: structured CloudEvents (change merged with its review), a
 * CloudEvents batch (build finished + service deployed), and a Trivy image report with two findings.
 */
final class CeilingFixtures {

    static final String TENANT = "acme";

    private CeilingFixtures() {}

    /** {@code merges} structured merges and batches over two repositories, then one Trivy report: 1 + 2 records each. */
    static List<BenchInput> inputs(int merges) {
        List<BenchInput> inputs = new ArrayList<>();
        for (int i = 0; i < merges; i++) {
            String repo = "repo-" + (i % 2);
            String scope = "github.com/acme/" + repo;
            String sha = String.format(Locale.ROOT, "%040x", 0xabc000L + i);
            inputs.add(new BenchInput(
                    TENANT,
                    scope,
                    BenchInput.Mix.MERGE,
                    "/v1/events",
                    "application/cloudevents+json",
                    bytes(merged("m-" + i, repo, sha)),
                    false));
            inputs.add(new BenchInput(
                    TENANT,
                    scope,
                    BenchInput.Mix.BUILD,
                    "/v1/events",
                    "application/cloudevents-batch+json",
                    bytes("[" + built("b-" + i, repo, sha) + "," + deployed("d-" + i, repo, sha) + "]"),
                    false));
        }
        String scope = "github.com/acme/repo-0";
        inputs.add(new BenchInput(
                TENANT,
                scope,
                BenchInput.Mix.TRIVY,
                "/v1/events?format=trivy&repository=" + scope + "&commit=" + "0123456789abcdef".repeat(2) + "01234567",
                "application/json",
                bytes(trivy()),
                false));
        return List.copyOf(inputs);
    }

    private static String cloudEvent(String id, String type, String subjectId, String content, String customData) {
        return """
                {"specversion":"1.0","id":"%1$s","source":"/ci/acme","type":"%2$s","subject":"%3$s",
                 "datacontenttype":"application/json",
                 "data":{"context":{"id":"%1$s","source":"/ci/acme","type":"%2$s",
                                    "timestamp":"2026-11-24T09:00:00Z","specversion":"0.5.0"},
                         "subject":{"id":"%3$s","content":%4$s},
                         "customData":%5$s}}""".formatted(id, type, subjectId, content, customData);
    }

    private static String merged(String id, String repo, String sha) {
        return cloudEvent(
                id,
                "dev.cdevents.change.merged.0.3.0",
                "42",
                "{\"repository\":{\"id\":\"acme/" + repo + "\",\"source\":\"https://github.com\"}}",
                "{\"commitSha\":\"" + sha + "\",\"branch\":\"main\",\"actor\":\"alice\","
                        + "\"change.author\":\"octocat\",\"change.approvers\":[\"bob\"],"
                        + "\"review\":{\"state\":\"approved\",\"commit-sha\":\"" + sha + "\"}}");
    }

    private static String built(String id, String repo, String sha) {
        return cloudEvent(
                id,
                "dev.cdevents.build.finished.0.2.0",
                "build-" + id,
                "{\"artifactId\":\"pkg:oci/" + repo + "@sha256:" + "ab".repeat(32) + "\"}",
                "{\"commitSha\":\"" + sha + "\",\"branch\":\"main\"}");
    }

    private static String deployed(String id, String repo, String sha) {
        return cloudEvent(
                id,
                "dev.cdevents.service.deployed.0.2.0",
                repo,
                "{\"environment\":{\"id\":\"production\"},\"artifactId\":\"pkg:oci/" + repo + "@sha256:"
                        + "ab".repeat(32) + "\"}",
                "{\"commitSha\":\"" + sha + "\",\"actor\":\"carol\"}");
    }

    private static String trivy() {
        StringBuilder vulns = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            if (i > 0) {
                vulns.append(',');
            }
            vulns.append("""
                    {"VulnerabilityID":"CVE-2099-%d","PkgID":"libcrypto1.1@1.1.1b-r1","PkgName":"libcrypto1.1",
                     "InstalledVersion":"1.1.1b-r1","FixedVersion":"1.1.1d-r0","Status":"fixed",
                     "Severity":"%s","Title":"openssl: information disclosure in fork()"}""".formatted(i, i == 0 ? "HIGH" : "MEDIUM"));
        }
        return """
                {"SchemaVersion":2,"ReportID":"017b7d41-e09f-7000-80ea-000000000001",
                 "CreatedAt":"2026-11-24T09:00:00Z","ArtifactName":"ghcr.io/acme/repo-0:1.0",
                 "ArtifactType":"container_image",
                 "Metadata":{"OS":{"Family":"alpine","Name":"3.9.4"}},
                 "Results":[{"Target":"ghcr.io/acme/repo-0:1.0 (alpine 3.9.4)","Class":"os-pkgs","Type":"alpine",
                             "Vulnerabilities":[%s]}]}""".formatted(vulns);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
