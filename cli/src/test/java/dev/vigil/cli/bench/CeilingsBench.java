package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.embedded.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the ceilings with their defaults (at least 5 s and 20 000 each) on the shared embedded servers, figures
 * printed and written to {@code target/ceilings.txt} with the load average. Run:
 * {@code ./mvnw -B -ntp -pl cli -am test -Dquick -Dvigil.test.excludedGroups=none -Dtest=CeilingsBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class CeilingsBench {

    @Test
    void measure() throws Exception {
        String bootstrap = SharedServers.kafka().bootstrapServers();
        String esUrl = SharedServers.elasticsearch().httpUrl();
        String prefix = "bench-ceilings-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int merges = Integer.getInteger("vigil.bench.ceilings.merges", 100);
        List<String> lines = new ArrayList<>();
        lines.add("load average at start: " + loadAverage());
        List<BenchResult.Ceiling> ceilings = new Ceilings(bootstrap, esUrl, prefix)
                .measure(CeilingFixtures.inputs(merges), line -> {
                    lines.add(line + "   [load " + loadAverage() + "]");
                    System.out.println(line);
                });
        lines.add("load average at end: " + loadAverage());
        for (BenchResult.Ceiling c : ceilings) {
            lines.add(String.format(Locale.ROOT, "%s: %s", c.name(), c.note()));
        }
        Files.write(Path.of("target", "ceilings.txt"), lines);
        lines.forEach(System.out::println);
        assertThat(ceilings).hasSize(6);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
