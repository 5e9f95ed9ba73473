package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesOfOneToTenThousand() {
        LatencyHistogram h = new LatencyHistogram();
        double[] values = new double[10_000];
        for (int i = 1; i <= 10_000; i++) {
            h.record(i / 10.0); // 0.1 .. 1000 ms
            values[i - 1] = i / 10.0;
        }
        BenchResult.Latency s = h.snapshot();
        assertThat(s.count()).isEqualTo(10_000);
        // bucket resolution: within 1/64 of the value, never below it (upper bounds)
        assertThat(s.p50()).isBetween(500.0, 500.0 * (1 + 1.0 / 64));
        assertThat(s.p95()).isBetween(950.0, 950.0 * (1 + 1.0 / 64));
        assertThat(s.p99()).isBetween(990.0, 1000.0);
        assertThat(s.max()).isEqualTo(1000.0);

        BenchResult.Latency exact = LatencyHistogram.of(values);
        assertThat(exact.count()).isEqualTo(10_000);
        assertThat(exact.p50()).isEqualTo(500.0);
        assertThat(exact.p95()).isEqualTo(950.0);
        assertThat(exact.p99()).isEqualTo(990.0);
        assertThat(exact.max()).isEqualTo(1000.0);
    }

    @Test
    void reportBucketsCountEveryValueAndTheLastEndsAtTheMax() {
        LatencyHistogram h = new LatencyHistogram();
        double[] values = {0.5, 0.9, 3, 4, 7, 150, 151, 152, 1_500, 75_000};
        for (double v : values) {
            h.record(v);
        }
        for (BenchResult.Latency l : List.of(h.snapshot(), LatencyHistogram.of(values))) {
            List<BenchResult.Bucket> b = l.histogram();
            assertThat(b.stream().mapToLong(BenchResult.Bucket::count).sum()).isEqualTo(values.length);
            assertThat(b.get(0)).isEqualTo(new BenchResult.Bucket(1, 2)); // 0.5 and 0.9
            assertThat(b.get(2)).isEqualTo(new BenchResult.Bucket(5, 2)); // 3 and 4
            assertThat(b.get(3)).isEqualTo(new BenchResult.Bucket(10, 1));
            assertThat(b.get(7)).isEqualTo(new BenchResult.Bucket(200, 3));
            assertThat(b.get(10)).isEqualTo(new BenchResult.Bucket(2_000, 1));
            assertThat(b.getLast().upperMs()).isEqualTo(75_000.0);
            assertThat(b.getLast().count()).isEqualTo(1);
            assertThat(l.max()).isEqualTo(75_000.0);
        }
    }

    @Test
    void histogramEndsAtTheMaxWhenItIsSmall() {
        BenchResult.Latency l = LatencyHistogram.of(new double[] {0.2, 3.5});
        assertThat(l.histogram())
                .containsExactly(
                        new BenchResult.Bucket(1, 1), new BenchResult.Bucket(2, 0), new BenchResult.Bucket(3.5, 1));
        assertThat(l.p50()).isEqualTo(0.2);
        assertThat(l.p99()).isEqualTo(3.5);
    }

    @Test
    void emptyAndOddValues() {
        assertThat(new LatencyHistogram().snapshot()).isEqualTo(new BenchResult.Latency(0, 0, 0, 0, 0, List.of()));
        assertThat(LatencyHistogram.of(new double[0]).count()).isZero();
        LatencyHistogram h = new LatencyHistogram();
        h.record(-3);
        h.record(Double.NaN);
        h.record(0);
        BenchResult.Latency s = h.snapshot();
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.max()).isZero();
        assertThat(s.p99()).isZero();
    }

    @Test
    void bucketsCoverEveryMicrosecondOnce() {
        long previousUpper = -1;
        for (int i = 0; i < 64 * 30; i++) {
            assertThat(LatencyHistogram.lowerMicros(i)).isEqualTo(previousUpper + 1);
            assertThat(LatencyHistogram.index(LatencyHistogram.lowerMicros(i))).isEqualTo(i);
            assertThat(LatencyHistogram.index(LatencyHistogram.upperMicros(i))).isEqualTo(i);
            previousUpper = LatencyHistogram.upperMicros(i);
        }
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        LatencyHistogram h = new LatencyHistogram();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < 50_000; i++) {
                        h.record(r.nextDouble(0, 2_000));
                    }
                    if (seed == 0) {
                        h.record(4_321.5);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        BenchResult.Latency s = h.snapshot();
        assertThat(s.count()).isEqualTo(200_001);
        assertThat(s.max()).isEqualTo(4_321.5);
        assertThat(s.p50()).isCloseTo(1_000, within(40.0));
    }
}
