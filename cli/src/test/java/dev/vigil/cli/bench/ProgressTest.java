package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

    static BenchResult.Sample sample(double t) {
        return new BenchResult.Sample(
                t,
                "step",
                37.5,
                36.9,
                70.2,
                Map.of(),
                68.0,
                812.0,
                Map.of("streams", 12L, "indexer", 30L),
                Map.of(
                        "streams", new BenchResult.ProcessSample(80.5, 1),
                        "ingest", new BenchResult.ProcessSample(20, 1)));
    }

    @Test
    void shouldRedrawOneLineOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        progress.phase("step 2/12 at 37.5 inputs/s", 20);
        progress.live(sample(1));
        progress.live(sample(2));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("vigil bench: step 2/12 at 37.5 inputs/s\n");
        assertThat(text.split("\r", -1)).hasSize(3);
        assertThat(text).contains("offered 38/s accepted 37/s searchable 68/s p99 812 ms lag 42 cpu 101%");
        assertThat(text).contains("[").contains("]");
    }

    @Test
    void shouldPrintPlainLinesAtMostEveryFiveSecondsElsewhere() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        progress.phase("half at 20.0 inputs/s", 60);
        progress.live(sample(1));
        progress.live(sample(2));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        assertThat(text.lines().filter(l -> l.contains("offered"))).hasSize(1);
    }
}
