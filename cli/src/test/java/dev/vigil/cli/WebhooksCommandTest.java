package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.webhook.WebhookSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhooksCommandTest {

    @TempDir
    Path data;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int vigil(String... args) {
        return Vigil.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldAddAGitHubSourceAndPrintItsPathAndSecretOnce() throws Exception {
        int code = vigil(
                "webhooks", "add", "--kind", "github", "--tenant", "acme", "--id", "shop", "--data", data.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path file = data.resolve("webhook-sources.json");
        WebhookSources.Source saved = WebhookSources.load(file).find("shop").orElseThrow();
        assertThat(saved.tenant()).isEqualTo("acme");
        assertThat(saved.kind()).isEqualTo(WebhookSources.Kind.GITHUB);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("path:   /v1/webhooks/github/shop")
                .contains("secret: " + saved.secret())
                .contains("Content type:  application/json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        out.reset();
        assertThat(vigil("webhooks", "list", "--data", data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("shop", "github", "acme")
                .doesNotContain(saved.secret());
    }

    @Test
    void shouldRefuseAnUnknownKindAndADuplicateId() {
        assertThat(vigil("webhooks", "add", "--kind", "bitbucket", "--tenant", "acme", "--data", data.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--kind takes github or gitlab");

        assertThat(vigil(
                        "webhooks",
                        "add",
                        "--kind",
                        "gitlab",
                        "--tenant",
                        "acme",
                        "--id",
                        "infra",
                        "--data",
                        data.toString()))
                .isZero();
        assertThat(vigil(
                        "webhooks",
                        "add",
                        "--kind",
                        "gitlab",
                        "--tenant",
                        "acme",
                        "--id",
                        "infra",
                        "--data",
                        data.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exists already");
    }
}
