package dev.vigil.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Drives the pipeline over HTTP at a fixed offered rate and follows probe inputs until they are
 * searchable through audit-api.
 *
 * <h2>Sending: open loop</h2>
 *
 * Send {@code k} of a step is scheduled at {@code start + k / rate}, whatever the answers so far.
 * {@code concurrency} workers (virtual threads, each a blocking HTTP/1.1 exchange on one of up to
 * {@value #MAX_CLIENTS} {@link HttpClient}s so no single client's connection pool or selector
 * thread is the bottleneck) claim the next send, wait for its time, generate the input
 * ({@link Workload#next()}, so event times are the send times) and POST it with the tenant's
 * publisher key ({@code Authorization: Bearer}). The accept latency runs from the <em>scheduled</em>
 * time to the 202, so when every connection is busy the wait for one counts (no coordinated
 * omission); a send that starts more than {@value #LATE_MS} ms late is counted in
 * {@link DriverCounters#lateSends()}. Only 202 is accepted: a {@code 200 duplicate} or any error
 * counts as failed, and the first {@value DriverCounters#MAX_FAILURES_KEPT} are kept with their
 * problem body ({@link DriverCounters#failures()}).
 *
 * <h2>Probes</h2>
 *
 * A probe input's first record id (from the 202's {@code records[].id}) is followed until a search
 * finds a trail record whose {@code event.id} is that id. One poller per tenant searches {@code GET
 * /v1/audit/records?scope=<probe repository>&kind=INPUT&sort=time&size=100&from=<oldest pending
 * probe's send time − 1 s>} with the tenant's auditor key, one page every {@value #POLL_INTERVAL_MS}
 * ms while probes are pending (a full page is continued with its {@code next} cursor at the next
 * tick). Oldest first, from the oldest pending probe on, so the search always reaches the probes
 * that wait longest however many came after them. At most 10 searches a second per tenant, each of
 * which, by design, writes an ACCESS record into the trail (≈ 10 small records a second per tenant
 * added to the load). Keep probes to some tens a second per tenant, or one tick's page no longer
 * covers them and the poll interval adds to their latency. Latency = the answer that showed it − the 202's arrival,
 * so it includes up to one poll interval plus one search. After a step's duration the driver waits
 * up to {@value #PROBE_GRACE_SECONDS} s for its pending probes; the rest count as not seen and get
 * no latency.
 */
public final class PipelineDriver implements AutoCloseable {

    static final int MAX_CLIENTS = 8;
    static final long LATE_MS = 100;
    static final long POLL_INTERVAL_MS = 100;
    static final int PAGE_SIZE = 100;
    static final int PROBE_GRACE_SECONDS = 15;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FROM_MARGIN = Duration.ofSeconds(1);

    private final BenchEndpoints endpoints;
    private final Workload workload;
    private final int concurrency;
    private final HttpClient[] clients;
    private final HttpClient searchClient;
    private final ObjectMapper mapper = new ObjectMapper();
    private final DriverCounters counters = new DriverCounters();
    /** Pending probes by record id. */
    private final Map<String, Probe> pending = new ConcurrentHashMap<>();

    private final List<Thread> pollers = new ArrayList<>();
    private volatile Step current;
    private volatile Duration probeGrace = Duration.ofSeconds(PROBE_GRACE_SECONDS);
    private volatile boolean closed;

    public PipelineDriver(BenchEndpoints endpoints, Workload workload, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        for (String tenant : workload.tenants()) {
            if (!endpoints.publisherKeys().containsKey(tenant)) {
                throw new IllegalArgumentException("no publisher key for tenant " + tenant);
            }
        }
        this.endpoints = endpoints;
        this.workload = workload;
        this.concurrency = concurrency;
        this.clients = new HttpClient[Math.min(MAX_CLIENTS, concurrency)];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = newClient();
        }
        this.searchClient = newClient();
        for (String tenant : workload.tenants()) {
            String key = endpoints.auditorKeys().get(tenant);
            if (key != null) {
                Thread t = Thread.ofPlatform()
                        .daemon()
                        .name("bench-probe-" + tenant)
                        .start(() -> poll(tenant, key));
                pollers.add(t);
            }
        }
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** How long a step waits for its pending probes after its sends (default 15 s). */
    public PipelineDriver probeGrace(Duration grace) {
        this.probeGrace = grace;
        return this;
    }

    public DriverCounters counters() {
        return counters;
    }

    /**
     * Sends at {@code inputsPerSecond} for {@code duration} (or until {@code cancelled}), waits for
     * the answers, then up to 15 s for the step's probes. Steps run one after the other.
     */
    public DriverStep run(String phase, double inputsPerSecond, Duration duration, BooleanSupplier cancelled) {
        if (!(inputsPerSecond > 0)) {
            throw new IllegalArgumentException("inputsPerSecond must be positive");
        }
        Step step = new Step(phase);
        current = step;
        double intervalNanos = 1e9 / inputsPerSecond;
        long durationNanos = duration.toNanos();
        AtomicLong tickets = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                HttpClient client = clients[w % clients.length];
                workers.submit(() -> {
                    while (!closed) {
                        long k = tickets.getAndIncrement();
                        long offset = (long) (k * intervalNanos);
                        if (offset >= durationNanos || cancelled.getAsBoolean()) {
                            return;
                        }
                        long due = start + offset;
                        long now;
                        while ((now = System.nanoTime()) < due) {
                            LockSupport.parkNanos(due - now);
                        }
                        long late = now - due;
                        counters.maxSendDelayNanos.accumulateAndGet(late, Math::max);
                        if (late > LATE_MS * 1_000_000) {
                            counters.lateSends.increment();
                        }
                        send(client, due, step);
                    }
                });
            }
        } // close() waits for every worker, i.e. for the answers of every send
        double seconds = (System.nanoTime() - start) / 1e9;
        long graceEnd = System.nanoTime() + probeGrace.toNanos();
        while (step.pending.sum() > 0 && System.nanoTime() < graceEnd && !cancelled.getAsBoolean() && !closed) {
            sleep(50);
        }
        for (Map.Entry<String, Probe> e : pending.entrySet()) {
            if (e.getValue().step == step && pending.remove(e.getKey(), e.getValue())) {
                counters.probesPending.decrementAndGet();
                counters.probesNotSeen.increment();
                step.pending.decrement();
            }
        }
        current = null;
        return new DriverStep(
                seconds,
                step.sent.sum(),
                step.accepted.sum(),
                step.failed.sum(),
                step.records.sum(),
                step.probesSent.sum(),
                step.probesSeen.sum(),
                step.accept.snapshot(),
                step.searchable.snapshot(),
                step.search.snapshot());
    }

    private void send(HttpClient client, long due, Step step) {
        BenchInput in = workload.next();
        Instant generated = Instant.now();
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoints.ingestUrl() + in.pathAndQuery()))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", in.contentType())
                .header("Authorization", "Bearer " + endpoints.publisherKeys().get(in.tenant()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(in.body()))
                .build();
        counters.sent.increment();
        step.sent.increment();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            failed(step, in, "no answer: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(step, in, "interrupted");
            return;
        }
        long arrived = System.nanoTime();
        if (response.statusCode() != 202) {
            failed(step, in, response.statusCode() + " " + excerpt(response.body()));
            return;
        }
        List<String> ids = recordIds(response.body());
        counters.accepted.increment();
        counters.accepted(in.mix());
        counters.recordsAccepted.add(ids.size());
        step.accepted.increment();
        step.records.add(ids.size());
        step.accept.record((arrived - due) / 1e6);
        if (in.probe() && !ids.isEmpty() && endpoints.auditorKeys().containsKey(in.tenant())) {
            Probe probe = new Probe(in.tenant(), in.scope(), arrived, generated.minus(FROM_MARGIN), step);
            step.probesSent.increment();
            step.pending.increment();
            counters.probesPending.incrementAndGet();
            pending.put(ids.get(0), probe);
        }
    }

    private List<String> recordIds(byte[] body) {
        List<String> ids = new ArrayList<>();
        try {
            for (JsonNode r : mapper.readTree(body).path("records")) {
                if (r.hasNonNull("id")) {
                    ids.add(r.get("id").asText());
                }
            }
        } catch (IOException e) {
            // a 202 without a readable body still counts as accepted: no record ids to follow
        }
        return ids;
    }

    private void failed(Step step, BenchInput in, String what) {
        counters.failed.increment();
        step.failed.increment();
        counters.failure(String.format(Locale.ROOT, "%s %s %s: %s", in.mix(), in.tenant(), in.pathAndQuery(), what));
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 600 ? s.substring(0, 600) + "…" : s;
    }

    // ---------------------------------------------------------------- probes

    private record Probe(String tenant, String scope, long acceptedNanos, Instant notBefore, Step step) {}

    private void poll(String tenant, String auditorKey) {
        String cursor = null; // continues the last search while its pages were full
        while (!closed) {
            long t0 = System.nanoTime();
            Instant from = null;
            String scope = null;
            for (Probe p : pending.values()) {
                if (p.tenant.equals(tenant)) {
                    scope = p.scope;
                    if (from == null || p.notBefore.isBefore(from)) {
                        from = p.notBefore;
                    }
                }
            }
            if (scope == null) {
                cursor = null;
            } else {
                try {
                    cursor = search(
                            tenant,
                            auditorKey,
                            cursor != null
                                    ? "cursor=" + enc(cursor)
                                    : "scope=" + enc(scope) + "&kind=INPUT&sort=time&size=" + PAGE_SIZE + "&from="
                                            + enc(from.toString()));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | IOException e) {
                    counters.searchesFailed.increment();
                    cursor = null;
                }
            }
            long rest = TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL_MS) - (System.nanoTime() - t0);
            if (rest > 0) {
                LockSupport.parkNanos(rest);
            }
        }
    }

    /** One search page; matches its records against the pending probes; the cursor of the next page, if full. */
    private String search(String tenant, String key, String query) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoints.auditApiUrl() + "/v1/audit/records?" + query))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .GET()
                .build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = searchClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long t1 = System.nanoTime();
        Step step = current;
        if (step != null) {
            step.search.record((t1 - t0) / 1e6);
        }
        if (response.statusCode() != 200) {
            counters.searchesFailed.increment();
            if (counters.searchesFailed.sum() <= 3) {
                counters.failure("probe search " + response.statusCode() + " " + excerpt(response.body()));
            }
            return null;
        }
        JsonNode answer = mapper.readTree(response.body());
        JsonNode records = answer.path("records");
        for (JsonNode r : records) {
            String id = r.path("event").path("id").asText(null);
            Probe p = id == null ? null : pending.get(id);
            if (p != null && p.tenant.equals(tenant) && pending.remove(id, p)) {
                double ms = (t1 - p.acceptedNanos) / 1e6;
                p.step.searchable.record(ms);
                p.step.probesSeen.increment();
                p.step.pending.decrement();
                counters.probesPending.decrementAndGet();
                counters.probesSeen.increment();
                counters.searchableSeen(ms);
            }
        }
        String next = answer.path("next").asText(null);
        return records.size() >= PAGE_SIZE && next != null && !next.isEmpty() ? next : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One step's figures. */
    private static final class Step {
        final String phase;
        final LongAdder sent = new LongAdder();
        final LongAdder accepted = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder records = new LongAdder();
        final LongAdder probesSent = new LongAdder();
        final LongAdder probesSeen = new LongAdder();
        final LongAdder pending = new LongAdder();
        final LatencyHistogram accept = new LatencyHistogram();
        final LatencyHistogram searchable = new LatencyHistogram();
        final LatencyHistogram search = new LatencyHistogram();

        Step(String phase) {
            this.phase = phase;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : pollers) {
            t.interrupt();
        }
        for (Thread t : pollers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (HttpClient c : clients) {
            c.shutdownNow();
        }
        searchClient.shutdownNow();
    }
}
