package dev.vigil.auditapi.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSignatureTest {

    private static final byte[] BODY = "{\"violation_id\":\"v-1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldSignTimestampDotBodyWithHmacSha256() {
        // Reference value: printf '%s' '1700000000.{"violation_id":"v-1"}' | openssl dgst -sha256 -hmac whsec_test
        assertThat(WebhookSignature.sign("whsec_test", 1_700_000_000L, BODY))
                .isEqualTo("v1=5af645d5f157bfb1f7b82e3607d1c9dfd2423fe20a606feafdb317ec815c168a")
                .isNotEqualTo(WebhookSignature.sign("whsec_test", 1_700_000_001L, BODY))
                .isNotEqualTo(WebhookSignature.sign("whsec_other", 1_700_000_000L, BODY));
    }

    @Test
    void shouldRejectAReplayedSignatureOnceItsTimestampIsOld() {
        String sig = WebhookSignature.sign("whsec_test", 1_700_000_000L, BODY);

        assertThat(WebhookSignature.verify("whsec_test", "1700000000", sig, BODY, 1_700_000_100L, 300))
                .isTrue();
        assertThat(WebhookSignature.verify("whsec_test", "1700000000", sig, BODY, 1_700_000_301L, 300))
                .as("same signature replayed later than the tolerance")
                .isFalse();
        assertThat(WebhookSignature.verify("whsec_test", "1700000200", sig, BODY, 1_700_000_200L, 300))
                .as("old signature under a fresh timestamp")
                .isFalse();
        assertThat(WebhookSignature.verify(
                        "whsec_test", "1700000000", sig, "{}".getBytes(StandardCharsets.UTF_8), 1_700_000_000L, 300))
                .isFalse();
    }

    @Test
    void shouldSealSecretsSoOnlyTheSameSubscriptionOpensThem(@TempDir Path dir) {
        SecretBox box = SecretBox.lazy(SecretBox.keyFile(dir));
        String sealed = box.seal("whsec_abc", "sub_1");

        assertThat(sealed).doesNotContain("whsec_abc");
        assertThat(SecretBox.lazy(SecretBox.keyFile(dir)).open(sealed, "sub_1")).isEqualTo("whsec_abc");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> box.open(sealed, "sub_2")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseNonHttpAndPrivateTargetsUnlessAllowed() {
        UrlPolicy strict = new UrlPolicy(false);
        assertThat(strict.refusal("ftp://example.com/x")).contains("http or https");
        assertThat(strict.refusal("http://127.0.0.1:8080/hook")).contains("private or local");
        assertThat(strict.refusal("http://169.254.169.254/latest/meta-data")).contains("private or local");
        assertThat(strict.refusal("http://10.1.2.3/hook")).contains("private or local");
        assertThat(strict.refusal("https://user:pw@93.184.216.34/hook")).contains("credentials");
        assertThat(strict.refusal("https://93.184.216.34/hook")).isNull();
        assertThat(new UrlPolicy(true).refusal("http://127.0.0.1:8080/hook")).isNull();
    }
}
