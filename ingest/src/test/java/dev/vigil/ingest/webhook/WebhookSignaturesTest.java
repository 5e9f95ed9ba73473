package dev.vigil.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {

    // GitHub's documented test vector (docs: validating webhook deliveries).
    static final String SECRET = "It's a Secret to Everybody";
    static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void shouldComputeGitHubsDocumentedTestVector() {
        assertThat(WebhookSignatures.gitHubSignature(SECRET, PAYLOAD)).isEqualTo(SIGNATURE);
    }

    @Test
    void shouldAcceptTheRightSignatureAlsoInUpperCaseHex() {
        assertThat(WebhookSignatures.verifyGitHub(SECRET, PAYLOAD, SIGNATURE)).isTrue();
        assertThat(WebhookSignatures.verifyGitHub(
                        SECRET, PAYLOAD, "sha256=" + SIGNATURE.substring(7).toUpperCase()))
                .isTrue();
    }

    @Test
    void shouldRefuseAnotherSecretATamperedBodyAndAMissingOrMalformedHeader() {
        byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSignatures.verifyGitHub("another secret", PAYLOAD, SIGNATURE))
                .isFalse();
        assertThat(WebhookSignatures.verifyGitHub(SECRET, tampered, SIGNATURE)).isFalse();
        assertThat(WebhookSignatures.verifyGitHub(SECRET, PAYLOAD, null)).isFalse();
        assertThat(WebhookSignatures.verifyGitHub(SECRET, PAYLOAD, "")).isFalse();
        assertThat(WebhookSignatures.verifyGitHub(SECRET, PAYLOAD, SIGNATURE.substring(7)))
                .isFalse();
        assertThat(WebhookSignatures.verifyGitHub(SECRET, PAYLOAD, "sha1=" + SIGNATURE.substring(7)))
                .isFalse();
        assertThat(WebhookSignatures.verifyGitHub(SECRET, PAYLOAD, SIGNATURE.substring(0, 70) + "zz"))
                .isFalse();
    }

    @Test
    void shouldCompareTheGitLabTokenExactly() {
        assertThat(WebhookSignatures.verifyGitLab("s3cret-token-value", "s3cret-token-value"))
                .isTrue();
        assertThat(WebhookSignatures.verifyGitLab("s3cret-token-value", "s3cret-token-valuE"))
                .isFalse();
        assertThat(WebhookSignatures.verifyGitLab("s3cret-token-value", "s3cret-token-value "))
                .isFalse();
        assertThat(WebhookSignatures.verifyGitLab("s3cret-token-value", "")).isFalse();
        assertThat(WebhookSignatures.verifyGitLab("s3cret-token-value", null)).isFalse();
    }
}
