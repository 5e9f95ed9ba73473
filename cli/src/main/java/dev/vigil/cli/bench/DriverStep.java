package dev.vigil.cli.bench;

/**
 * What one {@link PipelineDriver#run} saw.
 *
 * @param seconds from the first scheduled send to the last answer of the step (the probe wait excluded)
 * @param sent HTTP inputs sent
 * @param accepted inputs answered 202
 * @param failed inputs answered anything else, or not at all (see {@link DriverCounters#failures()})
 * @param recordsAccepted records the accepted inputs became ({@code records[]} of the answers)
 * @param probesSent probe inputs accepted, i.e. followed until searchable
 * @param probesSeen of those, found through audit-api within the step plus the 15 s grace
 * @param accept scheduled send time → 202 at the client, for accepted inputs (queueing included)
 * @param searchable 202 → the probe's record found by a search
 * @param search the probes' audit-api searches, request → answer
 */
public record DriverStep(
        double seconds,
        long sent,
        long accepted,
        long failed,
        long recordsAccepted,
        long probesSent,
        long probesSeen,
        BenchResult.Latency accept,
        BenchResult.Latency searchable,
        BenchResult.Latency search) {}
