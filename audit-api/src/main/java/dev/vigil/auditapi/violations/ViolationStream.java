package dev.vigil.auditapi.violations;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vigil.auditapi.AccessLog;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.topic.Topic;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/violations/stream}: the caller's tenant's violation changes as Server-Sent Events,
 * read straight from {@code vigil.violations} (read_committed, so only changes the streams app
 * committed; no consumer group, so every stream reads on its own).
 *
 * <p>Each event's {@code id} is a resume token: base64url JSON of the next offset of every
 * partition right after that event. A client reconnecting with it ({@code Last-Event-ID}, or
 * {@code last_event_id}) gets exactly the events after it: each partition is re-read from where the
 * token says, so nothing is lost, and nothing delivered before is sent again. Without a token the
 * stream starts at the end (live only).
 */
public final class ViolationStream implements AutoCloseable {

    public static final String PATH = "/v1/violations/stream";
    private static final Logger LOG = LoggerFactory.getLogger(ViolationStream.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final String bootstrapServers;
    private final Topic<String, Violation> topic;
    private final AccessLog accessLog;
    private final Semaphore slots;
    private final Duration keepAlive;
    private final AtomicBoolean closed = new AtomicBoolean();

    public ViolationStream(
            String bootstrapServers,
            Topic<String, Violation> topic,
            AccessLog accessLog,
            int maxStreams,
            Duration keepAlive) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.accessLog = accessLog;
        this.slots = new Semaphore(maxStreams);
        this.keepAlive = keepAlive;
    }

    public Response open(Request request) {
        ViolationFilters filters = ViolationFilters.fromQuery(request.query());
        String token = request.header("Last-Event-ID")
                .or(() -> request.param("last_event_id"))
                .filter(t -> !t.isBlank())
                .orElse(null);
        Map<Integer, Long> resume = token == null ? null : decodeToken(token);
        String tenant = request.principal().tenant();
        if (!slots.tryAcquire()) {
            return Response.problem(Problem.unavailable(
                            "This instance serves as many violation streams as it is configured for; retry later."))
                    .header("Retry-After", "10");
        }
        KafkaConsumer<byte[], byte[]> consumer = null;
        TreeMap<Integer, Long> next;
        try {
            consumer = consumer();
            next = position(consumer, resume);
            accessLog.record(request, "violations-stream", Map.of());
        } catch (RuntimeException e) {
            slots.release();
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            if (e instanceof KafkaException) {
                LOG.warn(
                        "cannot open a violation stream on {} ({}); answered 503: check that Kafka runs",
                        topic.name(),
                        e.toString());
                return Response.problem(
                                Problem.unavailable("The violation feed cannot be read right now; retry later."))
                        .header("Retry-After", "5");
            }
            throw e;
        }
        KafkaConsumer<byte[], byte[]> assigned = consumer;
        return Response.stream(200, "text/event-stream", out -> {
                    try (assigned) {
                        serve(out, assigned, next, tenant, filters);
                    } catch (KafkaException e) {
                        LOG.warn("a violation stream stopped: Kafka failed ({})", e.toString());
                    } finally {
                        slots.release();
                    }
                })
                .header("X-Accel-Buffering", "no");
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "vigil-audit-api-sse",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Assigns every partition and seeks: to the token's offsets, or to the end when there is none. */
    private TreeMap<Integer, Long> position(KafkaConsumer<byte[], byte[]> consumer, Map<Integer, Long> resume) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic.name(), Duration.ofSeconds(10))) {
            partitions.add(new TopicPartition(topic.name(), p.partition()));
        }
        if (partitions.isEmpty()) {
            throw new KafkaException("topic " + topic.name() + " does not exist");
        }
        consumer.assign(partitions);
        if (resume == null) {
            consumer.seekToEnd(partitions);
        } else {
            for (TopicPartition tp : partitions) {
                Long offset = resume.get(tp.partition());
                if (offset == null) {
                    // A partition added after the token was issued: all of it is new.
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
            }
        }
        TreeMap<Integer, Long> next = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            next.put(tp.partition(), consumer.position(tp, Duration.ofSeconds(10)));
        }
        return next;
    }

    private void serve(
            OutputStream out,
            KafkaConsumer<byte[], byte[]> consumer,
            TreeMap<Integer, Long> next,
            String tenant,
            ViolationFilters filters)
            throws IOException {
        String prefix = tenant + "/";
        // The opening comment makes the headers and the stream visible to the client at once.
        write(out, ": connected\n\n");
        long lastWrite = System.nanoTime();
        while (!closed.get()) {
            var records = consumer.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                next.put(r.partition(), r.offset() + 1);
                String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                if (!key.startsWith(prefix) || r.value() == null) {
                    continue;
                }
                Violation v;
                try {
                    v = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                } catch (RuntimeException e) {
                    LOG.warn(
                            "skipping an unreadable violation at {}-{}@{}: {}",
                            topic.name(),
                            r.partition(),
                            r.offset(),
                            e.toString());
                    continue;
                }
                ViolationView view = ViolationView.of(v);
                if (!tenant.equals(v.getTenant()) || !filters.matches(view)) {
                    continue;
                }
                write(
                        out,
                        "event: violation\nid: " + encodeToken(next) + "\ndata: "
                                + Json.mapper().writeValueAsString(view) + "\n\n");
                lastWrite = System.nanoTime();
            }
            if (System.nanoTime() - lastWrite >= keepAlive.toNanos()) {
                // Also how a vanished client is noticed: the write fails and the consumer is closed.
                write(out, ": keep-alive\n\n");
                lastWrite = System.nanoTime();
            }
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String encodeToken(Map<Integer, Long> next) {
        Map<String, Long> json = new TreeMap<>();
        next.forEach((p, o) -> json.put(Integer.toString(p), o));
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(Json.mapper().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Integer, Long> decodeToken(String token) {
        try {
            Map<String, Long> json = Json.mapper()
                    .readValue(Base64.getUrlDecoder().decode(token.trim()), new TypeReference<Map<String, Long>>() {});
            Map<Integer, Long> out = new TreeMap<>();
            json.forEach((p, o) -> {
                if (o == null || o < 0) {
                    throw new IllegalArgumentException("negative offset");
                }
                out.put(Integer.parseInt(p), o);
            });
            return out;
        } catch (IOException | RuntimeException e) {
            throw new ProblemException(Problem.invalidField(
                    "invalid-parameter",
                    "Invalid Parameter",
                    "/header/Last-Event-ID",
                    "Last-Event-ID is not an id this stream sent; reconnect without it to start live."));
        }
    }

    /** Ends every open stream (each notices within one poll). */
    @Override
    public void close() {
        closed.set(true);
    }
}
