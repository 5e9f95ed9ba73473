package dev.vigil.cli.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The result of one {@code vigil bench} run: what {@code bench-result.json} holds and what the HTML report draws.
 * JSON is snake_case. Latencies are milliseconds, rates per second, sizes bytes, times seconds since {@link #startedAt}.
 * Fields may be added; none is renamed or dropped (reports of older runs stay readable).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchResult(
        String vigilVersion,
        Instant startedAt,
        Instant finishedAt,
        Environment environment,
        /* the effective tunables and bench options of the run, flattened: "vigil.streams.commit-interval-ms" -> "100" */
        Map<String, String> settings,
        /* raw speed of the parts, measured first on the same servers and documents */
        List<Ceiling> ceilings,
        /* the stepped-rate phase, then the half-saturation phase (phase "half"), then soak (phase "soak") */
        List<Step> steps,
        /* the highest sustained rates found (null until the stepped phase ran) */
        Sustained sustained,
        /* one sample a second over the whole run */
        List<Sample> timeline,
        /* per process over the pipeline phases: CPU seconds per event, RSS */
        List<ProcessStats> processes,
        /* pipeline / ceiling ratios with their targets */
        List<Ratio> ratios,
        /* anything the run wants a reader to know: a phase skipped, a ceiling that failed, the saturation reason */
        List<String> notes) {

    public record Environment(
            String host,
            int cores,
            long memoryBytes,
            String java,
            String os,
            /* "embedded" (the bench started its own broker and node) or "external" */
            String mode,
            String kafkaBootstrap,
            String elasticsearchUrl,
            String ingestUrl,
            String auditApiUrl,
            double loadAverageAtStart) {}

    /**
     * Raw speed of one part. Names: {@code kafka.produce}, {@code kafka.consume}, {@code elasticsearch.bulk-create},
     * {@code kafka.consume-produce} (plain, at-least-once), {@code kafka.consume-produce-eos} (transactional).
     */
    public record Ceiling(
            String name,
            /* what is counted: "records" (Kafka) or "documents" (Elasticsearch) */
            String unit,
            long count,
            long bytes,
            double seconds,
            double perSecond,
            String note) {}

    /** One phase at one offered rate. */
    public record Step(
            /* "step", "half" or "soak" */
            String phase,
            /* offered HTTP inputs per second */
            double offeredInputsPerSecond,
            double startSecond,
            double seconds,
            long inputsSent,
            long inputsAccepted,
            long inputsFailed,
            /* records the accepted inputs became (an input can become several: report parts, batches) */
            long recordsAccepted,
            double acceptedInputsPerSecond,
            double acceptedRecordsPerSecond,
            /* per stage, measured from topic end offsets and consumer-group offsets over the step */
            Map<String, Double> stageRatesPerSecond,
            /* trail documents that became searchable per second (the end-to-end rate) */
            double searchableDocumentsPerSecond,
            /* HTTP request → 202 at the client */
            Latency accept,
            /* 202 accepted → the record found through audit-api search, for probe inputs */
            Latency searchable,
            /* audit-api search requests made by the probe, as the client saw them */
            Latency search,
            /* highest lag seen per consumer group during the step */
            Map<String, Long> maxLag,
            boolean saturated,
            /* why saturated (null when not) */
            String saturationReason) {}

    /** Percentiles in milliseconds, and a histogram whose buckets end at {@code upperMs} (last bucket: max). */
    public record Latency(long count, double p50, double p95, double p99, double max, List<Bucket> histogram) {}

    public record Bucket(double upperMs, long count) {}

    public record Sustained(
            double inputsPerSecond,
            double recordsPerSecond,
            double searchableDocumentsPerSecond,
            /* the step that defined it */
            double atOfferedInputsPerSecond) {}

    /** One second of the run. */
    public record Sample(
            double t,
            String phase,
            double offeredInputsPerSecond,
            double acceptedInputsPerSecond,
            double acceptedRecordsPerSecond,
            Map<String, Double> stageRatesPerSecond,
            double searchableDocumentsPerSecond,
            /* p99 of the probes that became searchable in this second (null when none did) */
            Double searchableP99Ms,
            Map<String, Long> lag,
            Map<String, ProcessSample> processes) {}

    public record ProcessSample(double cpuPercent, long rssBytes) {}

    /** One process over the pipeline phases (kafka, elasticsearch, streams, ingest, audit-api, bench). */
    public record ProcessStats(
            String name,
            long pid,
            double cpuSeconds,
            /* CPU seconds divided by the inputs accepted meanwhile (null for the ceilings-only run) */
            Double cpuSecondsPerEvent,
            long rssMaxBytes,
            long rssLastBytes,
            /* soak: RSS growth from the first to the last tenth of the run, bytes per hour (null otherwise) */
            Double rssSlopeBytesPerHour) {}

    /** A pipeline figure over its ceiling, with the target; {@code met} compares value and target. */
    public record Ratio(
            String name,
            double value,
            double target,
            Double stretch,
            boolean met,
            String numerator,
            double numeratorValue,
            String denominator,
            double denominatorValue) {}

    /** The JSON shape: snake_case, ISO instants, no nulls. */
    public static ObjectMapper json() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                // A newer vigil may add fields; an older one still reads the file.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
