package dev.vigil.cli.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic {@link BenchResult} built by hand: three of the five ceilings (two failed, with notes), five stepped
 * rates of which the last saturated, a half-saturation step, a short soak, 120 one-second samples of six processes
 * and three consumer groups, soak RSS slopes, four ratios (two met, two missed), and text that tries to be markup.
 */
final class BenchResultFixtures {

    /** What a hostile tenant name or note could carry. */
    static final String MALICIOUS = "</script><img src=x onerror=alert(1)>";

    /** A note with terminal escape sequences in it. */
    static final String ANSI_NOTE = "tenant bench-\u001b[31mred\u001b[0m sent 3 inputs that were refused";

    static final Instant STARTED = Instant.parse("2026-11-24T08:00:00.125Z");

    static final List<String> PROCESSES = List.of("kafka", "elasticsearch", "streams", "ingest", "audit-api", "bench");
    static final List<String> STAGES =
            List.of("ingest.records", "streams.evaluated", "trail.appended", "indexer.indexed");
    static final List<String> GROUPS = List.of("vigil-streams", "vigil-audit-indexer", "vigil-evidence-indexer");

    /** Offered inputs per second of the five stepped-rate steps. */
    static final double[] OFFERED = {250, 500, 1000, 2000, 4000};

    static final double STEP_SECONDS = 14;
    static final double CEILINGS_SECONDS = 10;
    static final double HALF_SECONDS = 20;
    static final double SOAK_SECONDS = 20;
    static final double RECORDS_PER_INPUT = 1.6;

    private BenchResultFixtures() {}

    static BenchResult rich() {
        List<BenchResult.Step> steps = steps();
        return new BenchResult(
                "0.1.0-SNAPSHOT",
                STARTED,
                STARTED.plusSeconds(121),
                new BenchResult.Environment(
                        "bench-box",
                        2,
                        8L * 1024 * 1024 * 1024,
                        "21.0.5+11-LTS (Eclipse Adoptium)",
                        "Linux 6.1.0-27-amd64 (amd64)",
                        "embedded",
                        "127.0.0.1:19092",
                        "http://127.0.0.1:19200",
                        "http://127.0.0.1:18080",
                        "http://127.0.0.1:18081",
                        0.42),
                settings(),
                ceilings(),
                steps,
                new BenchResult.Sustained(1994.5, 3190.25, 3150.75, 2000),
                timeline(steps),
                processes(),
                ratios(),
                List.of(
                        "ceiling kafka.consume-produce failed: TimeoutException after 60 s waiting for the transaction"
                                + " coordinator",
                        "ceiling kafka.consume-produce-eos skipped: it runs after kafka.consume-produce",
                        "ratio evaluation-under-eos not computed: its ceiling kafka.consume-produce is missing",
                        "saturated at 4,000 inputs/s offered: accepted 66% of offered, lag of vigil-streams grew for 10 s",
                        "tenant " + MALICIOUS + " was skipped: no publisher key",
                        ANSI_NOTE));
    }

    /** A run that measured nothing: every optional part missing. */
    static BenchResult empty() {
        return new BenchResult("0.1.0-SNAPSHOT", STARTED, null, null, null, null, null, null, null, null, null, null);
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bench.tenants", "acme,globex," + MALICIOUS);
        s.put("bench.repositories-per-tenant", "40");
        s.put("bench.step-seconds", "14");
        s.put("bench.concurrency", "64");
        s.put("vigil.ingest.producer.linger-ms", "5");
        s.put("vigil.ingest.producer.batch-size", "65536");
        s.put("vigil.streams.commit-interval-ms", "100");
        s.put("vigil.streams.num-stream-threads", "2");
        s.put("vigil.indexer.flush-ms", "250");
        s.put("vigil.indexer.bulk-max-documents", "2000");
        s.put("vigil.elasticsearch.refresh-interval", "1s");
        s.put("vigil.kafka.partitions", "6");
        return s;
    }

    private static List<BenchResult.Ceiling> ceilings() {
        return List.of(
                new BenchResult.Ceiling("kafka.produce", "records", 200_000, 187_392_000, 21.05, 9501.19, null),
                new BenchResult.Ceiling("kafka.consume", "records", 200_000, 187_392_000, 8.5, 23529.41, null),
                new BenchResult.Ceiling(
                        "elasticsearch.bulk-create",
                        "documents",
                        100_000,
                        96_100_000,
                        20.0,
                        5000.0,
                        "bulk of 2,000 trail documents, refresh_interval 1s; " + MALICIOUS));
    }

    static BenchResult.Latency latency(long count, double p50, double p95, double p99, double max) {
        double[] uppers = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
        List<BenchResult.Bucket> buckets = new ArrayList<>();
        long left = count;
        for (double upper : uppers) {
            if (upper >= max) {
                break;
            }
            // a log-normal-ish shape around p50
            double distance = Math.abs(Math.log(upper / p50));
            long n = Math.min(left, Math.round(count * 0.45 * Math.exp(-distance * distance)));
            buckets.add(new BenchResult.Bucket(upper, n));
            left -= n;
        }
        buckets.add(new BenchResult.Bucket(max, left));
        return new BenchResult.Latency(count, p50, p95, p99, max, List.copyOf(buckets));
    }

    private static List<BenchResult.Step> steps() {
        List<BenchResult.Step> steps = new ArrayList<>();
        double start = CEILINGS_SECONDS;
        for (int i = 0; i < OFFERED.length; i++) {
            boolean saturated = i == OFFERED.length - 1;
            double offered = OFFERED[i];
            double accepted = saturated ? 2650.5 : offered * 0.997;
            double searchable = saturated ? 2410.25 : accepted * RECORDS_PER_INPUT * 0.99;
            double p50 = saturated ? 4200 : 180 + 60 * i;
            steps.add(step(
                    "step",
                    offered,
                    start,
                    STEP_SECONDS,
                    accepted,
                    searchable,
                    latency(Math.round(accepted * STEP_SECONDS * 0.01), p50, p50 * 2.2, p50 * 3.1, p50 * 4.5),
                    Map.of(
                            "vigil-streams",
                            saturated ? 41_250L : 120L * (i + 1),
                            "vigil-audit-indexer",
                            saturated ? 18_400L : 310L * (i + 1),
                            "vigil-evidence-indexer",
                            saturated ? 2_100L : 40L * (i + 1)),
                    saturated,
                    saturated ? "accepted 66% of offered; lag of vigil-streams grew for 10 s in a row" : null));
            start += STEP_SECONDS;
        }
        steps.add(step(
                "half",
                1000,
                start,
                HALF_SECONDS,
                998.5,
                1581.75,
                latency(200, 310.5, 780.25, 1230.5, 1712.0),
                Map.of("vigil-streams", 240L, "vigil-audit-indexer", 980L, "vigil-evidence-indexer", 75L),
                false,
                null));
        start += HALF_SECONDS;
        steps.add(step(
                "soak",
                1000,
                start,
                SOAK_SECONDS,
                999.0,
                1582.5,
                latency(200, 320.0, 800.5, 1290.0, 1805.5),
                Map.of("vigil-streams", 260L, "vigil-audit-indexer", 1010L, "vigil-evidence-indexer", 80L),
                false,
                null));
        return List.copyOf(steps);
    }

    private static BenchResult.Step step(
            String phase,
            double offered,
            double start,
            double seconds,
            double accepted,
            double searchable,
            BenchResult.Latency searchableLatency,
            Map<String, Long> maxLag,
            boolean saturated,
            String reason) {
        long sent = Math.round(offered * seconds);
        long acceptedCount = Math.round(accepted * seconds);
        long failed = saturated ? 37 : 0;
        long records = Math.round(acceptedCount * RECORDS_PER_INPUT);
        double recordsPerSecond = records / seconds;
        Map<String, Double> stages = new LinkedHashMap<>();
        stages.put("ingest.records", recordsPerSecond);
        stages.put("streams.evaluated", saturated ? recordsPerSecond * 0.93 : recordsPerSecond);
        stages.put("trail.appended", saturated ? recordsPerSecond * 0.92 : recordsPerSecond * 0.999);
        stages.put("indexer.indexed", searchable);
        double acceptP50 = saturated ? 95.5 : 6.25 + offered / 400;
        return new BenchResult.Step(
                phase,
                offered,
                start,
                seconds,
                sent,
                acceptedCount,
                failed,
                records,
                accepted,
                recordsPerSecond,
                stages,
                searchable,
                latency(acceptedCount, acceptP50, acceptP50 * 2.5, acceptP50 * 4, acceptP50 * 9),
                searchableLatency,
                latency(searchableLatency.count() * 3, 18.5, 42.0, 77.25, 140.0),
                maxLag,
                saturated,
                reason);
    }

    /** One sample a second: 10 s of ceilings, then the steps; figures follow the step the second is in. */
    private static List<BenchResult.Sample> timeline(List<BenchResult.Step> steps) {
        List<BenchResult.Sample> samples = new ArrayList<>();
        for (int t = 0; t < 120; t++) {
            BenchResult.Step step = null;
            for (BenchResult.Step s : steps) {
                if (t >= s.startSecond() && t < s.startSecond() + s.seconds()) {
                    step = s;
                }
            }
            double wobble = 1 + 0.04 * Math.sin(t * 0.7);
            Map<String, BenchResult.ProcessSample> processes = new LinkedHashMap<>();
            for (int p = 0; p < PROCESSES.size(); p++) {
                double load = step == null ? 0.1 : Math.min(1, step.acceptedInputsPerSecond() / 2700.0);
                double share = new double[] {0.55, 0.8, 1.0, 0.45, 0.15, 0.35}[p];
                double cpu = Math.round((3 + 90 * load * share) * wobble * 10) / 10.0;
                long rss = (300L + 150L * p) * 1024 * 1024
                        + (long) (t * (p == 2 ? 0.6 : 0.15) * 1024 * 1024)
                        + (step != null && "soak".equals(step.phase()) && p == 2 ? (t - 100) * 2L * 1024 * 1024 : 0);
                processes.put(PROCESSES.get(p), new BenchResult.ProcessSample(cpu, rss));
            }
            if (step == null) {
                samples.add(new BenchResult.Sample(
                        t,
                        "ceilings",
                        0,
                        0,
                        0,
                        Map.of(),
                        0,
                        null,
                        Map.of("vigil-streams", 0L, "vigil-audit-indexer", 0L, "vigil-evidence-indexer", 0L),
                        processes));
                continue;
            }
            double into = t - step.startSecond();
            double accepted = Math.round(step.acceptedInputsPerSecond() * wobble * 100) / 100.0;
            double records = Math.round(accepted * RECORDS_PER_INPUT * 100) / 100.0;
            Map<String, Double> stages = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : step.stageRatesPerSecond().entrySet()) {
                stages.put(e.getKey(), Math.round(e.getValue() * wobble * 100) / 100.0);
            }
            Map<String, Long> lag = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : step.maxLag().entrySet()) {
                lag.put(
                        e.getKey(),
                        Math.round(e.getValue() * (step.saturated() ? (into + 1) / step.seconds() : wobble / 2)));
            }
            Double p99 = t % 7 == 3 ? null : Math.round(step.searchable().p99() * wobble * 10) / 10.0;
            samples.add(new BenchResult.Sample(
                    t,
                    step.phase(),
                    step.offeredInputsPerSecond(),
                    accepted,
                    records,
                    stages,
                    Math.round(step.searchableDocumentsPerSecond() * wobble * 100) / 100.0,
                    p99,
                    lag,
                    processes));
        }
        return List.copyOf(samples);
    }

    private static List<BenchResult.ProcessStats> processes() {
        List<BenchResult.ProcessStats> stats = new ArrayList<>();
        double[] cpuSeconds = {61.2, 88.4, 97.5, 40.1, 12.3, 35.6};
        long[] rssMax = {712, 1480, 905, 520, 410, 388};
        double[] slopeMiB = {1.5, 4.25, 36.0, 0.5, -0.75, 2.0};
        double inputs = 118_000;
        for (int i = 0; i < PROCESSES.size(); i++) {
            stats.add(new BenchResult.ProcessStats(
                    PROCESSES.get(i),
                    4100L + i * 17,
                    cpuSeconds[i],
                    cpuSeconds[i] / inputs,
                    rssMax[i] * 1024 * 1024,
                    (rssMax[i] - 12) * 1024 * 1024,
                    slopeMiB[i] * 1024 * 1024));
        }
        return List.copyOf(stats);
    }

    private static List<BenchResult.Ratio> ratios() {
        return List.of(
                new BenchResult.Ratio(
                        "end-to-end / elasticsearch.bulk-create",
                        3150.75 / 5000.0,
                        0.6,
                        0.8,
                        true,
                        "sustained searchable documents/s",
                        3150.75,
                        "elasticsearch.bulk-create documents/s",
                        5000.0),
                new BenchResult.Ratio(
                        "batched ingest / kafka.produce",
                        3190.25 / 9501.19,
                        0.5,
                        null,
                        false,
                        "sustained records/s",
                        3190.25,
                        "kafka.produce records/s",
                        9501.19),
                new BenchResult.Ratio(
                        "searchable p99 at half / 1.5 s",
                        1230.5 / 1500.0,
                        1.0,
                        null,
                        true,
                        "accepted → searchable p99 ms at half",
                        1230.5,
                        "target ms",
                        1500.0),
                new BenchResult.Ratio(
                        "search p99 under ingest / idle",
                        96.0 / 40.0,
                        2.0,
                        null,
                        false,
                        "search p99 ms under ingest",
                        96.0,
                        "search p99 ms idle",
                        40.0));
    }
}
