package dev.vigil.auditapi.subscriptions;

import dev.vigil.auditapi.violations.ViolationView;
import dev.vigil.auditapi.violations.ViolationsConfig;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.topic.Topic;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers violation changes to webhook subscriptions. One consumer group ({@code vigil-webhooks},
 * prefixed) on {@code vigil.violations}, read_committed: each record's deliveries (one per matching
 * subscription, in parallel) are done or given up before its offset is committed, so a restart
 * re-delivers at most the record in flight (receivers dedupe by {@code Vigil-Delivery}, which is
 * stable for a (subscription, violation change)).
 *
 * <p>Retries on network errors, 5xx and 429 with exponential backoff and jitter (honouring
 * {@code Retry-After}), up to the configured attempts and age; other 4xx answers are final.
 */
public final class WebhookWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookWorker.class);

    private final Topic<String, Violation> topic;
    private final SubscriptionStore store;
    private final SecretBox secrets;
    private final DeliveryLog log;
    private final UrlPolicy urls;
    private final ViolationsConfig config;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final HttpClient http;
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;

    public WebhookWorker(
            String bootstrapServers,
            String groupId,
            Topic<String, Violation> topic,
            SubscriptionStore store,
            SecretBox secrets,
            DeliveryLog log,
            ViolationsConfig config,
            Clock clock) {
        this.topic = topic;
        this.store = store;
        this.secrets = secrets;
        this.log = log;
        this.urls = new UrlPolicy(config.allowPrivateTargets());
        this.config = config;
        this.clock = clock;
        long longest =
                config.webhookMaxAge().toMillis() + config.webhookTimeout().toMillis() * 2 + 60_000;
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG, groupId,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        // Subscriptions only receive changes made after they were created (below), so
                        // starting at the beginning loses nothing and sends nothing old.
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50",
                        // A record's deliveries may take up to the max age; the group must not evict us meanwhile.
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                                Long.toString(Math.min(Integer.MAX_VALUE, longest * 50)),
                        ConsumerConfig.CLIENT_ID_CONFIG, "vigil-audit-api-webhooks"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.webhookTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.thread = Thread.ofPlatform().daemon().name("vigil-webhooks").unstarted(this::run);
    }

    public WebhookWorker start() {
        consumer.subscribe(List.of(topic.name()));
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!closed.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (closed.get()) {
                        return;
                    }
                    handle(r);
                    if (closed.get()) {
                        // Deliveries cut short by the shutdown: not committed, so the next start makes them.
                        return;
                    }
                    consumer.commitSync(Map.of(
                            new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed.get()) {
                LOG.error("the webhook worker stopped; no webhooks are delivered by this instance until restart", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        Violation v;
        try {
            v = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
        } catch (RuntimeException e) {
            LOG.warn(
                    "skipping an unreadable violation at {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
            return;
        }
        ViolationView view = ViolationView.of(v);
        Instant recordTime = Instant.ofEpochMilli(r.timestamp());
        List<Future<?>> running = new ArrayList<>();
        for (Subscription s : store.of(v.getTenant())) {
            if (Instant.parse(s.createdAt()).isAfter(recordTime) || !s.filters().matches(view)) {
                continue;
            }
            running.add(deliveries.submit(() -> deliver(s, view)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.error("a webhook delivery failed unexpectedly", e.getCause());
            }
        }
    }

    static String deliveryId(String subscriptionId, ViolationView v) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((subscriptionId + "\n" + v.violationId() + "\n" + v.sequence() + "\n" + v.state())
                            .getBytes(StandardCharsets.UTF_8));
            return "dlv_" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] body(Subscription s, ViolationView v) throws IOException {
        Object payload = Subscription.SLACK.equals(s.format()) ? SlackPayload.of(v) : v;
        return Json.mapper().writeValueAsBytes(payload);
    }

    private void deliver(Subscription s, ViolationView v) {
        String deliveryId = deliveryId(s.id(), v);
        String secret;
        byte[] body;
        try {
            secret = secrets.open(s.sealedSecret(), s.id());
            body = body(s, v);
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot prepare webhook delivery {} of subscription {}: {}", deliveryId, s.id(), e.toString());
            logAttempt(s, deliveryId, v, 1, null, e.getMessage(), "failed");
            return;
        }
        Instant first = clock.instant();
        for (int attempt = 1; !closed.get(); attempt++) {
            Integer status = null;
            String error = null;
            Duration retryAfter = null;
            String refusal = urls.refusal(s.url());
            if (refusal != null) {
                logAttempt(s, deliveryId, v, attempt, null, refusal, "refused");
                return;
            }
            long ts = clock.instant().getEpochSecond();
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(s.url()))
                        .timeout(config.webhookTimeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "Vigil-Webhooks/1")
                        .header("Vigil-Timestamp", Long.toString(ts))
                        .header("Vigil-Signature", WebhookSignature.sign(secret, ts, body))
                        .header("Vigil-Delivery", deliveryId)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                retryAfter = response.headers()
                        .firstValue("Retry-After")
                        .map(this::retryAfter)
                        .orElse(null);
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IllegalArgumentException e) {
                logAttempt(s, deliveryId, v, attempt, null, "bad url: " + e.getMessage(), "failed");
                return;
            }
            if (status != null && status >= 200 && status < 300) {
                logAttempt(s, deliveryId, v, attempt, status, null, "delivered");
                return;
            }
            boolean retryable = status == null || status >= 500 || status == 429 || status == 408;
            Duration wait = backoff(attempt, retryAfter);
            boolean tooOld = Duration.between(first, clock.instant().plus(wait)).compareTo(config.webhookMaxAge()) > 0;
            if (!retryable || attempt >= config.webhookMaxAttempts() || tooOld) {
                logAttempt(s, deliveryId, v, attempt, status, error, "failed");
                LOG.warn(
                        "webhook delivery {} of subscription {} given up after {} attempt(s): last {}",
                        deliveryId,
                        s.id(),
                        attempt,
                        status != null ? "HTTP " + status : error);
                return;
            }
            logAttempt(s, deliveryId, v, attempt, status, error, "retrying");
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Exponential with full jitter in [d/2, d], at most the configured maximum; Retry-After wins when longer. */
    Duration backoff(int attempt, Duration retryAfter) {
        long base = config.webhookInitialBackoff().toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(base, config.webhookMaxBackoff().toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        Duration d = Duration.ofMillis(jittered);
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            d = retryAfter.compareTo(config.webhookMaxBackoff()) > 0 ? config.webhookMaxBackoff() : retryAfter;
        }
        return d;
    }

    private Duration retryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ex) {
                return null;
            }
        }
    }

    private void logAttempt(
            Subscription s,
            String deliveryId,
            ViolationView v,
            int attempt,
            Integer status,
            String error,
            String outcome) {
        try {
            log.record(new DeliveryLog.Attempt(
                    s.tenant(),
                    s.id(),
                    deliveryId,
                    v.violationId(),
                    v.state(),
                    attempt,
                    status,
                    error,
                    outcome,
                    clock.instant().toString()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot log webhook attempt {} of delivery {}: {}", attempt, deliveryId, e.toString());
        }
    }

    @Override
    public void close() {
        closed.set(true);
        // Interrupts deliveries waiting out a backoff, so the worker thread stops at once.
        deliveries.shutdownNow();
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(2));
        } else {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        http.shutdownNow();
    }
}
