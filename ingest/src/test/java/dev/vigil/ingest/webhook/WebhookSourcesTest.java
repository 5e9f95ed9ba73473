package dev.vigil.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSourcesTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadAMissingFileAsNoSources() {
        assertThat(WebhookSources.load(dir.resolve("absent.json")).all()).isEmpty();
    }

    @Test
    void shouldSaveOwnerOnlyAndReadBackEverySource() throws Exception {
        Path file = dir.resolve("webhook-sources.json");
        WebhookSources.Source gh = WebhookSources.newSource(WebhookSources.Kind.GITHUB, "acme", "shop-repo");
        WebhookSources.Source gl = WebhookSources.newSource(WebhookSources.Kind.GITLAB, "globex", null);

        WebhookSources.empty().with(gh).with(gl).save(file);
        WebhookSources loaded = WebhookSources.load(file);

        assertThat(loaded.all()).containsExactly(gh, gl);
        assertThat(loaded.find("shop-repo")).contains(gh);
        assertThat(gl.id()).matches("gitlab-[0-9a-f]{8}");
        assertThat(gh.secret()).matches("[0-9a-f]{64}").isNotEqualTo(gl.secret());
        assertThat(gh.path()).isEqualTo("/v1/webhooks/github/shop-repo");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void shouldNeverPrintTheSecret() {
        WebhookSources.Source s = WebhookSources.newSource(WebhookSources.Kind.GITHUB, "acme", "shop");

        assertThat(s.toString()).doesNotContain(s.secret()).contains("shop", "acme", "github");
    }

    @Test
    void shouldRefuseADuplicateIdAnInvalidIdAndAnInvalidTenant() {
        WebhookSources.Source s = WebhookSources.newSource(WebhookSources.Kind.GITHUB, "acme", "shop");

        assertThatThrownBy(() -> WebhookSources.empty().with(s).with(s)).hasMessageContaining("exists already");
        assertThatThrownBy(() -> WebhookSources.newSource(WebhookSources.Kind.GITHUB, "acme", "Shop/1"))
                .hasMessageContaining("id must match");
        assertThatThrownBy(() -> WebhookSources.newSource(WebhookSources.Kind.GITHUB, "ACME", "shop"))
                .hasMessageContaining("invalid tenant");
    }

    @Test
    void shouldRefuseAnInvalidFileWithoutEchoingSecrets() throws Exception {
        Path file = dir.resolve("webhook-sources.json");
        Files.writeString(
                file,
                "{\"sources\": [{\"id\": \"x1\", \"tenant\": \"acme\", \"kind\": \"bitbucket\","
                        + " \"secret\": \"abcdefabcdefabcdef-very-secret\"}]}");

        assertThatThrownBy(() -> WebhookSources.load(file))
                .hasMessageContaining("kind must be github or gitlab")
                .hasMessageNotContaining("very-secret");
    }

    @Test
    void shouldPickUpASourceAddedWhileRunningAndKeepTheOldOnesWhenTheFileBreaks() throws Exception {
        Path file = dir.resolve("webhook-sources.json");
        Supplier<WebhookSources> sources = WebhookSources.reloading(file);
        assertThat(sources.get().all()).isEmpty();

        WebhookSources.Source s = WebhookSources.newSource(WebhookSources.Kind.GITLAB, "acme", "infra");
        WebhookSources.empty().with(s).save(file);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        assertThat(sources.get().find("infra")).contains(s);

        Files.writeString(file, "not json");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-02T00:00:00Z")));
        assertThat(sources.get().find("infra")).contains(s);
    }
}
