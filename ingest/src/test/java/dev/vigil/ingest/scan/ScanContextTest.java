package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanSamples.input;
import static dev.vigil.ingest.scan.ScanSamples.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ingest.adapter.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScanContextTest {

    final ScanAdapter semgrep = ScanSamples.adapter(ScanFormat.SEMGREP);

    @ParameterizedTest
    @CsvSource({
        "github.com/acme/shop, github.com/acme/shop",
        "https://github.com/acme/shop, github.com/acme/shop",
        "https://GitHub.com/acme/shop.git, github.com/acme/shop",
        "https://x-access-token:abc@github.com/acme/shop.git/, github.com/acme/shop",
        "git@gitlab.com:acme/platform/shop.git, gitlab.com/acme/platform/shop",
        "ssh://git@gitlab.example.org:2222/acme/shop.git, gitlab.example.org/acme/shop"
    })
    void shouldNormalizeRepositoriesToHostOwnerName(String raw, String expected) {
        assertThat(ScanContext.normalizeRepository(raw)).contains(expected);
    }

    @ParameterizedTest
    // "u:p@host:x" was a fuzzer finding: a colon before the '@' broke the scp-like form.
    @ValueSource(
            strings = {"acme/shop", "shop", "https://github.com/", "github.com/acme shop", "", "u:p@h:x", "a@b@c:d/e"})
    void shouldNotGuessAHostOrAcceptAPartialRepository(String raw) {
        assertThat(ScanContext.normalizeRepository(raw)).isEmpty();
    }

    @Test
    void shouldFillTheSubjectFromRequestParameters() throws Exception {
        var scan = run(
                        semgrep,
                        input(
                                "semgrep/one_finding.json",
                                Map.of(
                                        "repository", "https://github.com/acme/shop.git",
                                        "commit", "9F2C3A1B4D5E6F708192A3B4C5D6E7F8091A2B3C",
                                        "branch", "refs/heads/release/1.2",
                                        "digest",
                                                "sha256:E7C96DB7181BE991F19A9FB6975CDBBD73C65F4A2681348E63A141A2192A5F10",
                                        "environment", "production",
                                        "run", "gh-run-8812",
                                        "service", "shop-api")))
                .get(0);

        assertThat(scan.getScope()).isEqualTo("github.com/acme/shop");
        assertThat(scan.getSubject().getCommitSha()).isEqualTo("9f2c3a1b4d5e6f708192a3b4c5d6e7f8091a2b3c");
        assertThat(scan.getSubject().getBranch()).isEqualTo("release/1.2");
        assertThat(scan.getSubject().getArtifactDigest())
                .isEqualTo("sha256:e7c96db7181be991f19a9fb6975cdbbd73c65f4a2681348e63a141a2192a5f10");
        assertThat(scan.getSubject().getEnvironment()).isEqualTo("production");
        assertThat(scan.getSubject().getPipelineRunId()).isEqualTo("gh-run-8812");
        assertThat(scan.getSubject().getService()).isEqualTo("shop-api");
    }

    @Test
    void shouldScopeByServiceWhenThereIsNoRepository() throws Exception {
        assertThat(run(semgrep, input("semgrep/one_finding.json", Map.of("service", "billing")))
                        .get(0)
                        .getScope())
                .isEqualTo("billing");
    }

    @Test
    void shouldRefuseAShortCommitParameter() {
        assertThatThrownBy(() -> run(
                        semgrep,
                        input(
                                "semgrep/one_finding.json",
                                Map.of("repository", "github.com/acme/shop", "commit", "9f2c3a1"))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(400);
                    assertThat(e.problem().errors()).singleElement().satisfies(fe -> assertThat(fe.detail())
                            .startsWith("query parameter commit"));
                });
    }

    @Test
    void shouldRefuseARepositoryParameterItCannotNormalize() {
        assertThatThrownBy(() -> run(semgrep, input("semgrep/one_finding.json", Map.of("repository", "shop"))))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.problem().detail()).contains("github.com/acme/shop"));
    }

    @Test
    void shouldAnswer422NamingTheMissingParameter() {
        assertThatThrownBy(() -> run(semgrep, input("semgrep/one_finding.json", Map.of())))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().detail()).contains("?repository=");
                });
    }
}
