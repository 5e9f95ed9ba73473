package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.Vigil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil bench --quick} as a user runs it: a JVM of its own that starts its own broker, node and services as
 * child JVMs, drives the pipeline, writes the result and the report, and leaves no process behind. Facts only, no
 * timings.
 */
class BenchCommandIT {

    private static final List<String> PROCESSES = List.of("kafka", "elasticsearch", "streams", "ingest", "audit-api");

    @TempDir
    Path dir;

    @Test
    void shouldRunTheQuickBenchEmbeddedAndLeaveNoProcessBehind() throws Exception {
        Path out = dir.resolve("result");
        Path console = dir.resolve("bench.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process bench = new ProcessBuilder(
                        java,
                        "-XX:+IgnoreUnrecognizedVMOptions",
                        "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Vigil.class.getName(),
                        "bench",
                        "--quick",
                        "--probe-fraction",
                        "0.2",
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        bench.getOutputStream().close();
        if (!bench.waitFor(10, TimeUnit.MINUTES)) {
            bench.destroy();
            bench.waitFor(60, TimeUnit.SECONDS);
        }
        String output = Files.readString(console, StandardCharsets.UTF_8);
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("result: " + out.resolve("bench-result.json"));

        BenchResult result =
                BenchResult.json().readValue(out.resolve("bench-result.json").toFile(), BenchResult.class);

        // ceilings: every Kafka read loop moved the records kafka.produce wrote (the inputs' records, whole passes),
        // and each ceiling counted at least one record or document per generated input
        assertThat(result.ceilings())
                .extracting(BenchResult.Ceiling::name)
                .contains("kafka.produce", "kafka.consume", "kafka.consume-produce", "elasticsearch.bulk-create");
        Map<String, Long> counts = result.ceilings().stream()
                .collect(Collectors.toMap(BenchResult.Ceiling::name, BenchResult.Ceiling::count));
        long records = counts.get("kafka.produce");
        assertThat(records).isGreaterThanOrEqualTo(300);
        for (String loop : List.of("kafka.consume", "kafka.consume-produce", "kafka.consume-produce-eos")) {
            assertThat(counts).as(loop).containsEntry(loop, records);
        }
        assertThat(counts.get("elasticsearch.bulk-create")).isGreaterThanOrEqualTo(300);
        result.ceilings().forEach(c -> assertThat(c.perSecond()).as(c.name()).isPositive());

        // the pipeline ran, and probes were found through the audit API
        List<BenchResult.Step> steps =
                result.steps().stream().filter(s -> s.phase().equals("step")).toList();
        assertThat(steps).isNotEmpty();
        assertThat(steps).anySatisfy(s -> {
            assertThat(s.inputsAccepted()).isPositive();
            assertThat(s.recordsAccepted()).isGreaterThanOrEqualTo(s.inputsAccepted());
            assertThat(s.searchable().count()).isPositive();
        });
        assertThat(result.sustained()).isNotNull();
        assertThat(result.steps()).extracting(BenchResult.Step::phase).contains("half");
        assertThat(result.timeline()).isNotEmpty();
        assertThat(result.timeline()).extracting(BenchResult.Sample::phase).contains("step", "half");
        assertThat(result.settings()).containsKey("vigil.streams.commit-interval-ms");
        assertThat(result.environment().mode()).isEqualTo("embedded");

        // every process measured, each its own JVM
        Map<String, BenchResult.ProcessStats> processes =
                result.processes().stream().collect(Collectors.toMap(BenchResult.ProcessStats::name, p -> p));
        assertThat(processes).containsKeys(PROCESSES.toArray(String[]::new)).containsKey("bench");
        for (String name : PROCESSES) {
            BenchResult.ProcessStats p = processes.get(name);
            assertThat(p.pid()).as(name).isPositive().isNotEqualTo(bench.pid());
            assertThat(p.rssMaxBytes()).as(name).isPositive();
        }
        assertThat(processes.values()).extracting(BenchResult.ProcessStats::pid).doesNotHaveDuplicates();

        Path html = out.resolve("bench-report.html");
        assertThat(html).isRegularFile();
        assertThat(Files.size(html)).isPositive();
        assertThat(out.resolve("data")).doesNotExist();
        assertThat(out.resolve("logs").resolve("streams.log")).isRegularFile();

        // nothing survives the bench (a child closing cleanly may need a moment after its parent's exit)
        for (BenchResult.ProcessStats p : result.processes()) {
            assertThat(awaitGone(p.pid()))
                    .as(p.name() + " pid " + p.pid() + " still alive")
                    .isTrue();
        }
    }

    private static boolean awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
