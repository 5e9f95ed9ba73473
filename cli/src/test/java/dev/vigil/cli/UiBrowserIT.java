package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} through its
 * {@code chromedriver}, installed by {@code scripts/ensure-chromium.sh}), against the whole
 * pipeline on the embedded broker and Elasticsearch node: what a user sees is what ingest
 * received, chained and indexed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiBrowserIT {

    static final String CHROMIUM = System.getProperty("vigil.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("vigil.chromedriver", "/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(90);

    Path data;
    Path profile;
    Path downloads;
    PipelineHarness pipeline;
    ChromeDriverService driverService;
    WebDriver browser;

    @BeforeAll
    void start() throws IOException {
        data = Files.createTempDirectory("vigil-ui-it");
        profile = Files.createTempDirectory("vigil-ui-chromium");
        downloads = Files.createTempDirectory("vigil-ui-downloads");
        pipeline = new PipelineHarness(
                        SharedServers.kafka().bootstrapServers(),
                        SharedServers.elasticsearch().httpUrl(),
                        data)
                .start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,800",
                "--user-data-dir=" + profile);
        options.setExperimentalOption(
                "prefs",
                Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(driverService, options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @BeforeEach
    void freshBrowserState() {
        // Each test starts logged out: a session of an earlier test must not make a test pass.
        browser.manage().deleteAllCookies();
    }

    WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    WebElement waitFor(String css) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Opens the UI at the server's root (which redirects to /ui/) and logs in by keyboard. */
    void logIn(String key) {
        browser.get(pipeline.auditApiUrl() + "/");
        WebElement field = waitFor("#api-key");
        assertThat(browser.getCurrentUrl()).startsWith(pipeline.auditApiUrl() + "/ui/");
        field.sendKeys(key, Keys.ENTER);
        waitFor("#top #logout");
    }

    void open(String hashRoute) {
        browser.get(pipeline.auditApiUrl() + "/ui/#/" + hashRoute);
    }

    @Test
    void shouldFindAPostedEventInTheSearchPageAndDrillDownToItsRecordAndEvidence() throws Exception {
        String scope = "acme/ui-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode event = PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), scope);
        String eventId = pipeline.postAccepted(event);
        JsonNode indexed = pipeline.awaitRecords(scope, r -> !r.isEmpty(), Duration.ofSeconds(60))
                .getFirst();

        logIn(pipeline.auditorKey);
        WebElement scopeField = waitFor("#f-scope");
        scopeField.sendKeys(scope);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("f-kind"))).selectByValue("INPUT");
        browser.findElement(By.id("search-button")).click();
        WebElement row = waitFor("#results-table tr[data-event-id='" + eventId + "']");

        assertThat(row.getText()).contains("pipeline.CHANGE_MERGED", scope, "INPUT");
        assertThat(browser.findElements(By.cssSelector("#results-table tbody tr")))
                .hasSize(1);
        // Readable at 1280x800: the results fit the window's width, no sideways scrolling.
        assertThat(((Number) js("return document.documentElement.scrollWidth;")).intValue())
                .isLessThanOrEqualTo(1280);

        // Keyboard: the Details link is a real link, followed with Enter.
        row.findElement(By.cssSelector("a.record-link")).sendKeys(Keys.ENTER);
        assertThat(waitFor("#record-chain").getText())
                .isEqualTo(indexed.at("/chain/id").asText());
        assertThat(browser.findElement(By.id("record-seq")).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.id("record-hash")).getText())
                .isEqualTo(indexed.at("/chain/hash").asText());
        assertThat(browser.findElement(By.id("record-event-id")).getText()).isEqualTo(eventId);
        WebElement evidence = browser.findElement(By.id("evidence-link"));
        String evidenceUrl = evidence.getDomAttribute("href");
        assertThat(evidenceUrl).isEqualTo(indexed.at("/evidence/url").asText());

        // The raw payload (the CloudEvent as posted, with its own id) through the same session
        // cookie; the evidence indexer may still be catching up.
        String cloudEventId = event.get("id").asText();
        long deadline = System.nanoTime() + WAIT.toNanos();
        browser.get(pipeline.auditApiUrl() + evidenceUrl);
        while (!browser.getPageSource().contains(cloudEventId) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            browser.navigate().refresh();
        }
        assertThat(browser.getPageSource()).contains(cloudEventId, scope, "dev.cdevents.change.merged");
    }

    @Test
    void shouldKeepTheApiKeyOutOfThePageAndTheSessionCookieOutOfScriptsReach() {
        logIn(pipeline.auditorKey);
        waitFor("#search-form");

        String stored = (String) js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
                + " + document.cookie + document.documentElement.outerHTML;");

        assertThat(stored).doesNotContain(pipeline.auditorKey).doesNotContain("vigil_session");
        assertThat(browser.manage().getCookieNamed("vigil_session")).satisfies(c -> {
            assertThat(c.isHttpOnly()).isTrue();
            assertThat(c.getSameSite()).isEqualTo("Strict");
            assertThat(c.getPath()).isEqualTo("/");
        });
    }

    @Test
    void shouldRunVerificationOnDemandAndShowAnIntactTrail() throws Exception {
        String scope = "acme/ui-verify-" + UUID.randomUUID().toString().substring(0, 8);
        pipeline.postAccepted(PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), scope));
        pipeline.awaitRecords(scope, r -> !r.isEmpty(), Duration.ofSeconds(60));

        logIn(pipeline.auditorKey);
        open("verify");
        waitFor("#verify-button").click();
        WebElement verdict = waitFor("#verify-verdict");

        assertThat(verdict.getText()).startsWith("Intact");
        assertThat(Integer.parseInt(
                        browser.findElement(By.id("verify-documents")).getText()))
                .isGreaterThanOrEqualTo(1);
        assertThat(Integer.parseInt(browser.findElement(By.id("verify-chains")).getText()))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldServeEveryPageUnderTheContentSecurityPolicyWithoutInlineScript() throws Exception {
        HttpResponse<String> page = pipeline.http.send(
                HttpRequest.newBuilder(URI.create(pipeline.auditApiUrl() + "/ui/"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval"));

        logIn(pipeline.auditorKey);
        for (String route : List.of("search", "posture", "violations", "risk", "verify")) {
            open(route);
            waitFor("main h1");
            assertThat(((Number) js("return document.querySelectorAll('script:not([src])').length;")).intValue())
                    .as("inline scripts on #/%s", route)
                    .isZero();
            assertThat(((Number) js("return [...document.querySelectorAll('*')].filter(e =>"
                                    + " [...e.attributes].some(a => a.name.startsWith('on'))).length;"))
                            .intValue())
                    .as("inline event handlers on #/%s", route)
                    .isZero();
        }
        // Chart.js came from this server (its WebJar), not from a CDN.
        assertThat((String) js("return [...document.scripts].map(s => s.src).join(' ');"))
                .contains(pipeline.auditApiUrl() + "/ui/vendor/chart.js/chart.umd.min.js")
                .doesNotContain("cdn");
        assertThat((Boolean) js("return typeof window.Chart === 'function';")).isTrue();
    }

    @Test
    void shouldRefuseACookieAuthenticatedStateChangeWithoutTheCsrfHeader() {
        logIn(pipeline.officerKey);
        waitFor("#search-form");

        // What a forged request could do: the browser attaches the cookie, but cannot know the token.
        Object forged = asyncFetch("/ui/session", "DELETE", null);
        Object stillIn = asyncFetch("/ui/session", "GET", null);

        assertThat(forged).isEqualTo("403 https://vigil.dev/problems/csrf-token-invalid");
        assertThat((String) stillIn).startsWith("200");
    }

    @Test
    void shouldRefuseACookieAuthenticatedRiskAcceptanceWithoutTheCsrfHeader() {
        logIn(pipeline.officerKey);
        waitFor("#search-form");

        Object forged = asyncFetch(
                "/v1/violations/v-none/risk-acceptance",
                "POST",
                "{\"justification\":\"forged\",\"expires_at\":\"2030-01-01T00:00:00Z\"}");

        assertThat(forged).isEqualTo("403 https://vigil.dev/problems/csrf-token-invalid");
    }

    @Test
    void shouldDownloadTheCsvExportOfTheSearchedScope() throws Exception {
        String scope = "acme/ui-export-" + UUID.randomUUID().toString().substring(0, 8);
        String eventId =
                pipeline.postAccepted(PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), scope));
        pipeline.awaitRecords(scope, r -> !r.isEmpty(), Duration.ofSeconds(60));

        logIn(pipeline.auditorKey);
        open("search?scope=" + PipelineHarness.enc(scope));
        waitFor("#results-table tr[data-event-id='" + eventId + "']");
        waitFor("#export-csv").click();

        long deadline = System.nanoTime() + WAIT.toNanos();
        Path csv = null;
        while (csv == null && System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(downloads)) {
                csv = files.filter(p -> p.getFileName().toString().endsWith(".csv"))
                        .findFirst()
                        .orElse(null);
            }
            if (csv == null) {
                Thread.sleep(250);
            }
        }
        assertThat(csv).as("a .csv file downloaded into %s", downloads).isNotNull();
        assertThat(csv.getFileName().toString()).startsWith("vigil-acme-");
        assertThat(Files.readString(csv)).contains(eventId, scope);
    }

    @Test
    void shouldShowAViolationInTheLiveFeedWhenAnEventPostedToIngestOpensIt() throws Exception {
        logIn(pipeline.auditorKey);
        open("violations?control=CM-01");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-status"), "Live"));

        String delivery = postMergeWithoutReview();

        WebElement item = waitFor("#feed li[data-control-id='CM-01'][data-change='OPENED']");
        assertThat(item.getText()).contains("CM-01", "github.com/Codertocat/Hello-World", "HIGH");
        assertThat(delivery).isNotBlank();
    }

    @Test
    void shouldListTheViolationOpenedByAnUnreviewedMergeInTheSearchPage() throws Exception {
        // The input the live-feed test relies on: a GitHub merge into master with no review fails CM-01.
        postMergeWithoutReview();
        String scope = "github.com/Codertocat/Hello-World";
        pipeline.awaitRecords(
                scope,
                r -> r.stream().anyMatch(x -> x.at("/event/type").asText().equals("violation.OPENED")),
                Duration.ofSeconds(60));

        logIn(pipeline.auditorKey);
        open("search?" + "scope=" + PipelineHarness.enc(scope) + "&kind=VIOLATION_CHANGE");
        WebElement table = waitFor("#results-table");

        assertThat(table.getText()).contains("violation.OPENED", "VIOLATION_CHANGE", scope);
        // With no violations endpoint on this server, the page says so instead of failing.
        open("violations");
        assertThat(waitFor("main h1").getText()).isEqualTo("Violations");
    }

    /** A GitHub pull request merged into master with no review at all, posted to ingest. */
    String postMergeWithoutReview() throws Exception {
        ObjectNode root;
        try (InputStream in = UiBrowserIT.class.getResourceAsStream("/samples/github/pull_request_closed.json")) {
            root = (ObjectNode) Json.mapper().readTree(in);
        }
        ObjectNode pr = root.withObjectProperty("pull_request");
        pr.put("merged", true);
        pr.put("merged_at", java.time.Instant.now().toString());
        pr.put(
                "merge_commit_sha",
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-1")
                                .digest(UUID.randomUUID()
                                        .toString()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        pr.set("merged_by", Json.mapper().createObjectNode().put("login", "hubot"));
        pr.withObjectProperty("base").put("ref", "master");
        String delivery = UUID.randomUUID().toString();
        HttpResponse<String> response = pipeline.http.send(
                HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .header("X-GitHub-Event", "pull_request")
                        .header("X-GitHub-Delivery", delivery)
                        .header("Authorization", "Bearer " + pipeline.publisherKey)
                        .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(root)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return delivery;
    }

    Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** A same-origin fetch from the page, with the session cookie and no CSRF header: "status type". */
    Object asyncFetch(String path, String method, String jsonBody) {
        return ((JavascriptExecutor) browser)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "const init = {method: arguments[1], credentials: 'same-origin'};"
                                + "if (arguments[2] !== null) { init.body = arguments[2];"
                                + " init.headers = {'Content-Type': 'application/json'}; }"
                                + "fetch(arguments[0], init).then(async r => {"
                                + " let t = ''; try { t = (await r.json()).type || ''; } catch (e) {}"
                                + " done(r.status + ' ' + t); }).catch(e => done('error ' + e));",
                        path,
                        method,
                        jsonBody);
    }
}
