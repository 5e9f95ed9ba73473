package dev.vigil.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe latency histogram in milliseconds with log-linear buckets: values are kept in
 * microseconds, each power of two split into {@value #SUB_BUCKETS} linear sub-buckets, so a
 * percentile is off by at most 1/{@value #SUB_BUCKETS} (about 1.6 %) of its value, from 1 µs to
 * about 12 days. {@link #record} is lock-free (one atomic increment); the maximum is exact.
 *
 * <p>Percentiles are nearest-rank: the smallest bucket whose cumulative count reaches
 * {@code ceil(p × count)}, reported as that bucket's upper bound, never above the exact maximum.
 * The report histogram ({@link BenchResult.Latency#histogram()}) uses fixed 1-2-5 bounds from 1 ms
 * to 60 s; the last bucket ends at the maximum.
 */
public final class LatencyHistogram {

    static final int SUB_BUCKET_BITS = 6;
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int MAGNITUDES = 40;

    /** Upper bounds (ms) of the report's buckets; values above the last land in a final bucket ending at max. */
    static final double[] REPORT_BOUNDS = {
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000
    };

    private final AtomicLongArray counts = new AtomicLongArray(MAGNITUDES * SUB_BUCKETS);
    private final AtomicLong total = new AtomicLong();
    /** Exact maximum, as the raw bits of a non-negative double (which order like the doubles). */
    private final AtomicLong maxBits = new AtomicLong(Double.doubleToRawLongBits(0.0));

    /** Records one latency; negative and NaN values count as 0. */
    public void record(double ms) {
        double v = Double.isNaN(ms) || ms < 0 ? 0 : ms;
        counts.incrementAndGet(index(micros(v)));
        total.incrementAndGet();
        long bits = Double.doubleToRawLongBits(v);
        maxBits.accumulateAndGet(bits, Math::max);
    }

    public long count() {
        return total.get();
    }

    /** Percentiles and report buckets of everything recorded so far. */
    public BenchResult.Latency snapshot() {
        long[] c = new long[counts.length()];
        long n = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
            n += c[i];
        }
        double max = Double.longBitsToDouble(maxBits.get());
        if (n == 0) {
            return new BenchResult.Latency(0, 0, 0, 0, 0, List.of());
        }
        long[] report = new long[REPORT_BOUNDS.length + 1];
        for (int i = 0; i < c.length; i++) {
            if (c[i] > 0) {
                // a bucket's values are reported against its midpoint: at 1.6 % width that never moves a 1-2-5 bound
                report[reportBucket(midpointMicros(i) / 1000.0)] += c[i];
            }
        }
        return new BenchResult.Latency(
                n,
                percentile(c, n, 0.50, max),
                percentile(c, n, 0.95, max),
                percentile(c, n, 0.99, max),
                round(max),
                buckets(report, max));
    }

    /** Exact nearest-rank percentiles of the given values, with the same report buckets. */
    public static BenchResult.Latency of(double[] ms) {
        if (ms == null || ms.length == 0) {
            return new BenchResult.Latency(0, 0, 0, 0, 0, List.of());
        }
        double[] sorted = ms.clone();
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = Double.isNaN(sorted[i]) || sorted[i] < 0 ? 0 : sorted[i];
        }
        Arrays.sort(sorted);
        long[] report = new long[REPORT_BOUNDS.length + 1];
        for (double v : sorted) {
            report[reportBucket(v)]++;
        }
        double max = sorted[sorted.length - 1];
        return new BenchResult.Latency(
                sorted.length,
                round(sorted[rank(sorted.length, 0.50)]),
                round(sorted[rank(sorted.length, 0.95)]),
                round(sorted[rank(sorted.length, 0.99)]),
                round(max),
                buckets(report, max));
    }

    private static int rank(long n, double p) {
        return (int) Math.max(0, Math.min(n - 1, (long) Math.ceil(p * n) - 1));
    }

    private static double percentile(long[] c, long n, double p, double max) {
        long target = rank(n, p) + 1;
        long seen = 0;
        for (int i = 0; i < c.length; i++) {
            seen += c[i];
            if (seen >= target) {
                return round(Math.min(max, upperMicros(i) / 1000.0));
            }
        }
        return round(max);
    }

    private static List<BenchResult.Bucket> buckets(long[] report, double max) {
        int last = report.length - 1;
        while (last > 0 && report[last] == 0) {
            last--;
        }
        List<BenchResult.Bucket> out = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            out.add(new BenchResult.Bucket(i == last ? round(max) : REPORT_BOUNDS[i], report[i]));
        }
        return out;
    }

    private static int reportBucket(double ms) {
        for (int i = 0; i < REPORT_BOUNDS.length; i++) {
            if (ms <= REPORT_BOUNDS[i]) {
                return i;
            }
        }
        return REPORT_BOUNDS.length;
    }

    private static long micros(double ms) {
        double us = ms * 1000.0;
        return us >= Long.MAX_VALUE / 2.0 ? Long.MAX_VALUE / 2 : Math.round(us);
    }

    /** Bucket of a value in µs: magnitude 0 holds 0..63 linearly, magnitude m ≥ 1 holds [2^(m+5), 2^(m+6)). */
    static int index(long us) {
        if (us < SUB_BUCKETS) {
            return (int) us;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(us) - SUB_BUCKET_BITS + 1;
        if (magnitude >= MAGNITUDES) {
            return MAGNITUDES * SUB_BUCKETS - 1;
        }
        int sub = (int) (us >>> (magnitude - 1)) - SUB_BUCKETS;
        return magnitude * SUB_BUCKETS + sub;
    }

    /** Smallest µs value of a bucket. */
    static long lowerMicros(int index) {
        int magnitude = index / SUB_BUCKETS;
        int sub = index % SUB_BUCKETS;
        if (magnitude == 0) {
            return sub;
        }
        return ((long) (SUB_BUCKETS + sub)) << (magnitude - 1);
    }

    /** Largest µs value of a bucket. */
    static long upperMicros(int index) {
        int magnitude = index / SUB_BUCKETS;
        return lowerMicros(index) + (magnitude == 0 ? 0 : (1L << (magnitude - 1)) - 1);
    }

    private static double midpointMicros(int index) {
        return (lowerMicros(index) + upperMicros(index)) / 2.0;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
