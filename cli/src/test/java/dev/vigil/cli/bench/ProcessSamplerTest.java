package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessSamplerTest {

    // a real line's shape; the command name holds a space and parentheses, utime 1503, stime 497
    static final String STAT = "4242 (java (main) x) S 4200 4242 9443 0 -1 4194304 99 0 0 0 1503 497 0 0 20 0 37 0"
            + " 2721938 3133440 406 18446744073709551615 94433268830208 94433268850089 140727868204896 0 0 0 0 0 0 0"
            + " 0 0 17 1 0 0 0 0 0";

    @Test
    void shouldAddUserAndSystemTicksCountedFromTheLastParenthesis() {
        assertThat(ProcessSampler.cpuTicks(STAT)).hasValue(2000);
    }

    @Test
    void shouldRefuseATruncatedStatLine() {
        assertThat(ProcessSampler.cpuTicks("4242 (java) S 1 2 3")).isEmpty();
        assertThat(ProcessSampler.cpuTicks("garbage")).isEmpty();
    }

    @Test
    void shouldReadVmRssInBytes() {
        String status = "Name:\tjava\nState:\tS (sleeping)\nVmPeak:\t 9000 kB\nVmRSS:\t  123456 kB\nThreads:\t37\n";
        assertThat(ProcessSampler.rssBytes(status)).isEqualTo(123456L * 1024);
        assertThat(ProcessSampler.rssBytes("Name:\tzombie\nState:\tZ (zombie)\n"))
                .isEqualTo(-1);
    }

    @Test
    void shouldSampleThisJvm() {
        long self = ProcessHandle.current().pid();
        ProcessSampler sampler = new ProcessSampler(Map.of("bench", self, "gone", Long.MAX_VALUE / 2));
        sampler.sample();
        var second = sampler.sample();
        assertThat(second).containsOnlyKeys("bench");
        assertThat(second.get("bench").rssBytes()).isGreaterThan(1024L * 1024);
        var stats = sampler.stats(0, Long.MAX_VALUE, 10, null);
        assertThat(stats).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("bench");
            assertThat(s.pid()).isEqualTo(self);
            assertThat(s.rssMaxBytes()).isGreaterThanOrEqualTo(s.rssLastBytes());
            assertThat(s.cpuSecondsPerEvent()).isNotNull();
            assertThat(s.rssSlopeBytesPerHour()).isNull();
        });
    }

    @Test
    void shouldMeasureTheRssSlopeFromTheFirstToTheLastTenth() {
        // 100 readings, one a minute, RSS growing 1 MiB a minute: 60 MiB an hour
        List<ProcessSampler.Reading> readings = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            readings.add(new ProcessSampler.Reading(i * 60_000_000_000L, i, (100L + i) * 1024 * 1024));
        }
        assertThat(ProcessSampler.rssSlopeBytesPerHour(readings)).isEqualTo(60.0 * 1024 * 1024);
        assertThat(ProcessSampler.rssSlopeBytesPerHour(readings.subList(0, 5))).isNull();
        // 100 readings a second apart: too short a soak for a slope
        List<ProcessSampler.Reading> brief = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            brief.add(new ProcessSampler.Reading(i * 1_000_000_000L, i, (100L + i) * 1024 * 1024));
        }
        assertThat(ProcessSampler.rssSlopeBytesPerHour(brief)).isNull();
    }
}
