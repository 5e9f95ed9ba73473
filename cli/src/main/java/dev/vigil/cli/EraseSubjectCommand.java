package dev.vigil.cli;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.SharedFields;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.privacy.PersonalData;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import dev.vigil.trail.privacy.Pseudonyms;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code vigil erase-subject --tenant T --person ID [--reference TICKET] [--dry-run]}: erases a
 * person from the trail by crypto-shredding (docs/erasure.md). It names the person only by
 * pseudonym and sends one {@code ERASURE_REQUESTED} event to every partition of
 * {@code vigil.pipeline-events}, each under that partition's own scope {@code vigil/erasure/p<n>}:
 * every streams task that holds a key of the person destroys it and chains the request as an
 * {@code ERASURE} record in its own chain. Exit 0 once Kafka acknowledged every copy.
 */
final class EraseSubjectCommand implements Command {

    static final Set<String> OPTIONS = Set.of("tenant", "person", "reference", "dry-run", "timeout");
    static final String SOURCE_TYPE = "vigil:cli.erase-subject";

    private final CliArgs args;
    private final PrintStream out;
    private final Clock clock;

    EraseSubjectCommand(CliArgs args, PrintStream out) {
        this(args, out, Clock.systemUTC());
    }

    EraseSubjectCommand(CliArgs args, PrintStream out, Clock clock) {
        this.args = args;
        this.out = out;
        this.clock = clock;
    }

    static String usage() {
        return "vigil erase-subject --tenant T --person ID [--reference TICKET] [--dry-run]";
    }

    @Override
    public int run() {
        args.requireKnownOptions("vigil erase-subject", OPTIONS);
        if (!args.positional().isEmpty()) {
            throw new CliArgs.UsageException("usage: " + usage());
        }
        String tenant = args.option("tenant")
                .filter(t -> !t.isBlank())
                .orElseThrow(() -> new CliArgs.UsageException("--tenant is required; usage: " + usage()));
        String person = args.option("person")
                .filter(p -> !p.isBlank())
                .orElseThrow(() -> new CliArgs.UsageException(
                        "--person (the login, user id or e-mail the sources used) is required; usage: " + usage()));
        String reference = args.option("reference").orElse("");
        long timeoutMs = args.option("timeout").map(EraseSubjectCommand::millis).orElse(30_000L);
        Config config = args.resolve(
                List.of(
                        SharedFields.KAFKA_BOOTSTRAP_SERVERS,
                        SharedFields.TOPIC_PREFIX,
                        SharedFields.DATA_DIR,
                        PseudonymKeyConfig.PSEUDONYM_KEY_FILE,
                        PseudonymKeyConfig.PSEUDONYM_KEY),
                Map.of());
        Path dataDir =
                Path.of(config.get(SharedFields.DATA_DIR)).toAbsolutePath().normalize();
        // Never generate here: a new key would name somebody else and erase nothing.
        Pseudonyms pseudonyms = PseudonymKeyConfig.Source.of(
                        config.get(PseudonymKeyConfig.PSEUDONYM_KEY),
                        config.get(PseudonymKeyConfig.PSEUDONYM_KEY_FILE),
                        dataDir)
                .load();
        String ref = pseudonyms.ref(tenant, person);
        if (args.flag("dry-run")) {
            out.println("vigil erase-subject: " + ref + " (dry run: nothing sent)");
            return 0;
        }
        Topics topics = Topics.withPrefix(config.get(SharedFields.TOPIC_PREFIX));
        int partitions =
                send(config.get(SharedFields.KAFKA_BOOTSTRAP_SERVERS), topics, tenant, ref, reference, timeoutMs);
        out.println("vigil erase-subject: erasure of " + ref + " in tenant " + tenant + " requested on " + partitions
                + " partitions" + (reference.isEmpty() ? "" : " (reference " + reference + ")")
                + "; each streams task destroys its key of the person and chains an ERASURE record in "
                + tenant + "/" + PersonalData.ERASURE_SCOPE_PREFIX + "<n>");
        return 0;
    }

    private static long millis(String value) {
        try {
            long ms = Long.parseLong(value.strip());
            if (ms >= 1) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliArgs.UsageException("--timeout must be a positive number of milliseconds, not '" + value + "'");
    }

    /** Sends the evidence, then one request per partition; returns the partition count. */
    private int send(String bootstrap, Topics topics, String tenant, String ref, String reference, long timeoutMs) {
        Instant now = clock.instant();
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("request", "erasure");
        request.put("request_id", requestId);
        request.put("tenant", tenant);
        request.put("person", ref);
        request.put("reference", reference);
        request.put("requested_at", now.truncatedTo(ChronoUnit.MILLIS).toString());
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String sha = EvidenceChunks.sha256(body);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-erase-subject");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeoutMs));
        // The producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(timeoutMs, 2_000)));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(timeoutMs, 2_000) / 2));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            Topic<String, PipelineEvent> events = topics.pipelineEvents();
            int partitions = producer.partitionsFor(events.name()).size();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (EvidenceChunk chunk : EvidenceChunks.chunks(tenant, sha, "application/json", now, body)) {
                acks.add(producer.send(
                        encode(topics.evidence(), null, EvidenceChunks.key(tenant, sha, chunk.getIndex()), chunk)));
            }
            await(acks, timeoutMs);
            acks.clear();
            for (int partition = 0; partition < partitions; partition++) {
                PipelineEvent event = request(tenant, ref, reference, requestId, partition, now, sha, body.length);
                acks.add(producer.send(encode(events, partition, SubjectKey.of(tenant, event.getScope()), event)));
            }
            await(acks, timeoutMs);
            return partitions;
        }
    }

    static PipelineEvent request(
            String tenant,
            String ref,
            String reference,
            String requestId,
            int partition,
            Instant now,
            String evidenceSha,
            long evidenceSize) {
        String id = "erasure:" + requestId + ":p" + partition;
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(Attributes.ERASURE_PERSON, ref);
        if (!reference.isEmpty()) {
            attributes.put(Attributes.ERASURE_REFERENCE, reference);
        }
        return PipelineEvent.newBuilder()
                .setId(id)
                .setTenant(tenant)
                .setScope(PersonalData.erasureScope(partition))
                .setKind(PipelineEventKind.ERASURE_REQUESTED)
                .setSourceType(SOURCE_TYPE)
                .setFormat(InputFormat.VIGIL)
                .setSource("vigil-cli")
                .setSourceEventId(requestId)
                .setEventTime(now.truncatedTo(ChronoUnit.MICROS))
                .setReceivedAt(now.truncatedTo(ChronoUnit.MILLIS))
                .setSubject(Subject.newBuilder().build())
                .setOutcome(Outcome.SUCCESS)
                .setAttributes(attributes)
                .setEvidenceSha256(evidenceSha)
                .setEvidenceSize(evidenceSize)
                .build();
    }

    private static <V> ProducerRecord<byte[], byte[]> encode(
            Topic<String, V> topic, Integer partition, String key, V value) {
        return new ProducerRecord<>(
                topic.name(),
                partition,
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    private static void await(List<Future<RecordMetadata>> acks, long timeoutMs) {
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(timeoutMs, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not acknowledge the erasure request: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not acknowledge the erasure request within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the erasure request", e);
        }
    }
}
