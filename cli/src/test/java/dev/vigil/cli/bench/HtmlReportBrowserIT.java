package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fixture's report opened from disk in a real headless Chromium (as {@code UiBrowserIT} drives it): every chart
 * drawn by the inlined Chart.js, from the embedded JSON, with no error in the browser's log (script errors and
 * Content-Security-Policy violations both land there) and the hostile text inert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HtmlReportBrowserIT {

    static final String CHROMIUM = System.getProperty("vigil.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("vigil.chromedriver", "/usr/bin/chromedriver");
    static final List<String> CHARTS = List.of(
            "chart-ratios", "chart-throughput", "chart-p99", "chart-histogram", "chart-rss", "chart-lag", "chart-cpu");

    Path dir;
    Path profile;
    Path report;
    ChromeDriverService driverService;
    WebDriver browser;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("vigil-report-it");
        profile = Files.createTempDirectory("vigil-report-chromium");
        report = dir.resolve("bench-report.html");
        HtmlReport.write(BenchResultFixtures.rich(), report);
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
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(driverService, options);
        browser.get(report.toUri().toString());
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(b -> js("return document.getElementById('chart-status').dataset.drawn || null;") != null);
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        for (Path p : List.of(report, dir)) {
            Files.deleteIfExists(p);
        }
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> chart(String id) {
        return (Map<String, Object>) js("""
                const canvas = document.getElementById(arguments[0]);
                if (!canvas) return null;
                const chart = Chart.getChart(canvas);
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
                return {
                  width: canvas.width, height: canvas.height, painted: painted,
                  registered: chart !== undefined, type: chart ? chart.config.type : null,
                  datasets: chart ? chart.data.datasets.map(d => d.label) : [],
                  points: chart ? chart.data.datasets.map(d => d.data.length) : []
                };
                """, id);
    }

    @Test
    void drawsEveryChartWithTheInlinedChartJs() {
        assertThat(js("return Chart.version;"))
                .isEqualTo(HtmlReport.chartJs().orElseThrow().version());
        assertThat(js("return document.getElementById('chart-status').dataset.drawn;"))
                .isEqualTo(Integer.toString(CHARTS.size()));
        for (String id : CHARTS) {
            Map<String, Object> c = chart(id);
            assertThat(c).as(id).isNotNull();
            assertThat(c.get("registered"))
                    .as(id + " registered with Chart.getChart")
                    .isEqualTo(true);
            assertThat(((Number) c.get("width")).intValue()).as(id + " width").isGreaterThan(100);
            assertThat(((Number) c.get("height")).intValue()).as(id + " height").isGreaterThan(100);
            assertThat(((Number) c.get("painted")).intValue())
                    .as(id + " painted pixels")
                    .isGreaterThan(2000);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void chartsCarryTheSeriesOfTheResult() {
        Map<String, Object> throughput = chart("chart-throughput");
        assertThat((List<String>) throughput.get("datasets"))
                .containsExactly(
                        "offered inputs/s",
                        "accepted inputs/s",
                        "accepted records/s",
                        "stage ingest.records/s",
                        "stage streams.evaluated/s",
                        "stage trail.appended/s",
                        "stage indexer.indexed/s",
                        "searchable docs/s");
        assertThat((List<Long>) throughput.get("points"))
                .allSatisfy(n -> assertThat(n).isEqualTo(120L));
        assertThat((List<String>) chart("chart-rss").get("datasets"))
                .containsExactlyElementsOf(BenchResultFixtures.PROCESSES);
        assertThat((List<String>) chart("chart-cpu").get("datasets"))
                .containsExactlyElementsOf(BenchResultFixtures.PROCESSES);
        assertThat((List<String>) chart("chart-lag").get("datasets"))
                .containsExactlyInAnyOrderElementsOf(BenchResultFixtures.GROUPS);
        assertThat((List<String>) chart("chart-ratios").get("datasets")).containsExactly("value", "target", "stretch");
        // the RSS axis is MiB: streams' first sample
        long rss = BenchResultFixtures.rich()
                .timeline()
                .get(0)
                .processes()
                .get("streams")
                .rssBytes();
        assertThat(((Number)
                                js(
                                        "return Chart.getChart(document.getElementById('chart-rss')).data.datasets[2].data[0].y;"))
                        .doubleValue())
                .isEqualTo(rss / (1024.0 * 1024.0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void histogramShowsTheHalfPhaseAndTheOthersOnRequest() {
        BenchResult fixture = BenchResultFixtures.rich();
        BenchResult.Latency half = fixture.steps().get(5).searchable();
        Select choice = new Select(browser.findElement(By.id("histogram-choice")));
        assertThat(choice.getFirstSelectedOption().getText()).isEqualTo("half @ 1,000/s · accepted → searchable");
        assertThat(chart("chart-histogram").get("type")).isEqualTo("bar");
        List<Long> counts = (List<Long>)
                js("return Chart.getChart(document.getElementById('chart-histogram')).data.datasets[0].data;");
        assertThat(counts)
                .containsExactlyElementsOf(
                        half.histogram().stream().map(BenchResult.Bucket::count).toList());
        assertThat(browser.findElement(By.id("histogram-facts")).getText())
                .isEqualTo("200 measured · p50 311 ms · p95 780 ms · p99 1,231 ms · max 1,712 ms");
        // 7 steps × (searchable, accept, search) + the overlay
        assertThat(choice.getOptions()).hasSize(7 * 3 + 1);

        choice.selectByVisibleText("all steps · accepted → searchable (overlaid, % of probes)");
        Map<String, Object> overlay = chart("chart-histogram");
        assertThat(overlay.get("type")).isEqualTo("line");
        assertThat((List<String>) overlay.get("datasets")).hasSize(7).contains("half @ 1,000/s", "step @ 4,000/s");
        assertThat(((Number) overlay.get("painted")).intValue()).isGreaterThan(2000);

        choice.selectByVisibleText("step @ 4,000/s · HTTP accept");
        assertThat(chart("chart-histogram").get("type")).isEqualTo("bar");
        choice.selectByVisibleText("half @ 1,000/s · accepted → searchable");
    }

    @Test
    void hostileTextStaysTextAndTheLogIsClean() {
        assertThat(js("return document.images.length;")).isEqualTo(0L);
        assertThat(js("return document.querySelectorAll('[onerror]').length;")).isEqualTo(0L);
        assertThat(browser.findElement(By.cssSelector("#notes ul")).getText())
                .contains("tenant " + BenchResultFixtures.MALICIOUS + " was skipped");
        assertThat(js("return document.querySelectorAll('table.ratios tbody tr').length;"))
                .isEqualTo(4L);
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                // this test's own pixel readback (chart(...)) draws a performance hint; the report reads no pixels
                .filter(e -> !e.getMessage().contains("willReadFrequently"))
                .toList();
        assertThat(errors).as("browser log warnings and errors").isEmpty();
    }
}
