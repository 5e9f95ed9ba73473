package dev.vigil.cli.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Raw speed of the parts on the same servers and the same generated documents as the pipeline run, so the pipeline's
 * figures can be read as fractions of them:
 *
 * <ul>
 *   <li>{@code kafka.produce}: the records ingest makes of the inputs (ingest's own adapters, redaction and
 *       normalization, Avro with the topics' serdes), sent asynchronously with ingest's producer settings to a scratch
 *       topic; records/s once all are acknowledged (acks=all).
 *   <li>{@code kafka.produce-with-evidence}: the same, plus what ingest also writes per input before its records
 *       (the evidence data key and the encrypted evidence chunks); still counted in records, so it compares directly
 *       with ingest's accepted records/s.
 *   <li>{@code kafka.consume}: those records read back with a read_committed consumer.
 *   <li>{@code kafka.consume-produce}: a consumer group copying them to another topic, flush and synchronous offset
 *       commit per poll batch (at least once).
 *   <li>{@code kafka.consume-produce-eos}: the same loop transactional (offsets sent to the transaction, one
 *       transaction per poll batch, read_committed): the exactly-once floor the streams app pays.
 *   <li>{@code elasticsearch.bulk-create}: the trail documents of those records (real verdicts of the built-in
 *       catalog, chained per {@code tenant/scope}) bulk-created as the audit indexer does into a scratch trail index.
 * </ul>
 *
 * Scratch topics ({@code <scratchPrefix>bench.*}), consumer groups and the scratch trail indices and template are
 * deleted at the end, also when a ceiling fails. A failed ceiling is reported through {@code progress} and left out.
 */
public final class Ceilings {

    public static final Duration DEFAULT_MIN_DURATION = Duration.ofSeconds(5);
    public static final long DEFAULT_MIN_COUNT = 20_000;

    private final String kafkaBootstrap;
    private final String elasticsearchUrl;
    private final String scratchPrefix;
    private Duration minDuration = DEFAULT_MIN_DURATION;
    private long minCount = DEFAULT_MIN_COUNT;
    private int partitions = Topics.DEFAULT_PARTITIONS;
    private Consumer<ScratchResources> beforeCleanup = s -> {};

    public Ceilings(String kafkaBootstrap, String elasticsearchUrl, String scratchPrefix) {
        this.kafkaBootstrap = Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        this.elasticsearchUrl = Objects.requireNonNull(elasticsearchUrl, "elasticsearchUrl");
        this.scratchPrefix = Objects.requireNonNull(scratchPrefix, "scratchPrefix");
    }

    /**
     * How long each ceiling runs at least (the input list is repeated whole until then) and how many records it counts
     * at least (documents: at most five bulk requests' worth of them). Defaults: 5 s, 20 000.
     */
    public Ceilings minimum(Duration duration, long count) {
        this.minDuration = Objects.requireNonNull(duration, "duration");
        this.minCount = count;
        return this;
    }

    /** Partitions of the scratch topics: the input topics' count (default {@link Topics#DEFAULT_PARTITIONS}). */
    public Ceilings partitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        this.partitions = partitions;
        return this;
    }

    /** Called with what exists just before the scratch resources are deleted (tests check them there). */
    Ceilings beforeCleanup(Consumer<ScratchResources> hook) {
        this.beforeCleanup = Objects.requireNonNull(hook, "hook");
        return this;
    }

    public List<BenchResult.Ceiling> measure(List<BenchInput> inputs, Consumer<String> progress) {
        CeilingInputs material = CeilingInputs.of(inputs, partitions);
        if (material.refused() > 0) {
            progress.accept(String.format(
                    Locale.ROOT,
                    "ceilings: ingest would refuse %d of %d inputs (left out), e.g. %s",
                    material.refused(),
                    material.inputs(),
                    material.firstRefusal()));
        }
        if (material.records().isEmpty()) {
            throw new IllegalArgumentException("none of the " + inputs.size() + " inputs becomes a record"
                    + (material.firstRefusal() == null ? "" : ": " + material.firstRefusal()));
        }
        String records = scratchPrefix + "bench.records";
        String writes = scratchPrefix + "bench.ingest-writes";
        String copy = scratchPrefix + "bench.copy";
        String copyEos = scratchPrefix + "bench.copy-eos";
        List<String> topics = List.of(records, writes, copy, copyEos);
        List<String> groups = List.of(copy, copyEos);
        AuditIndex index = new AuditIndex(scratchPrefix.toLowerCase(Locale.ROOT));
        List<BenchResult.Ceiling> ceilings = new ArrayList<>();
        String base = String.format(
                Locale.ROOT,
                "%d inputs -> %d records per pass%s",
                material.inputs() - material.refused(),
                material.records().size(),
                material.refused() > 0 ? " (" + material.refused() + " refused inputs left out)" : "");
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaBootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "vigil-bench-ceilings"))) {
            ElasticsearchClient es = ElasticsearchClients.create(elasticsearchUrl);
            CeilingElasticsearch elastic = new CeilingElasticsearch(es, index);
            try {
                createTopics(admin, topics);
                measureKafka(material, base, records, writes, copy, copyEos, ceilings, progress);
                measureElasticsearch(material, elastic, ceilings, progress);
                beforeCleanup.accept(new ScratchResources(topics, groups, elastic.indices(), index.templateName()));
            } catch (Exception e) {
                progress.accept("ceilings stopped: " + describe(e));
            } finally {
                cleanUp(admin, topics, groups, elastic, progress);
                ElasticsearchClients.close(es);
            }
        }
        return List.copyOf(ceilings);
    }

    private void measureKafka(
            CeilingInputs material,
            String base,
            String records,
            String writes,
            String copy,
            String copyEos,
            List<BenchResult.Ceiling> ceilings,
            Consumer<String> progress) {
        CeilingKafka kafka = new CeilingKafka(kafkaBootstrap, minDuration, minCount);
        CeilingKafka.Run produced;
        try {
            produced = kafka.produce(
                    records, material.records(), material.records().size(), "vigil-bench-produce");
        } catch (RuntimeException e) {
            progress.accept("kafka.produce failed: " + describe(e) + "; the other Kafka ceilings need it, skipped");
            return;
        }
        String settings = "ingest's producer (acks=all, idempotent, linger.ms=5, lz4), asynchronous sends, "
                + partitions + " partitions";
        add(
                ceilings,
                progress,
                "kafka.produce",
                "records",
                produced,
                base + " x " + produced.repeats() + " passes; " + settings
                        + "; records only (the evidence ingest also writes: kafka.produce-with-evidence); bytes ="
                        + " uncompressed key + value");
        try {
            // Counted in records, as ingest's accepted records/s: the evidence writes are the extra bytes per input.
            CeilingKafka.Run all =
                    kafka.produce(writes, material.writes(), material.records().size(), "vigil-bench-produce-evidence");
            add(
                    ceilings,
                    progress,
                    "kafka.produce-with-evidence",
                    "records",
                    all,
                    base + " x " + all.repeats() + " passes; every write ingest makes per input: the evidence data"
                            + " key and encrypted evidence chunks, then the records ("
                            + material.writes().size()
                            + " writes, " + CeilingInputs.bytes(material.evidence()) + " evidence bytes + "
                            + CeilingInputs.bytes(material.records()) + " record bytes per pass); count = records,"
                            + " so it compares with ingest's accepted records/s; " + settings
                            + "; no wait per input (ingest waits for each input's evidence, then its records)");
        } catch (RuntimeException e) {
            progress.accept("kafka.produce-with-evidence failed: " + describe(e));
        }
        try {
            CeilingKafka.Run consumed = kafka.consume(records, produced.count(), "vigil-bench-consume");
            check("kafka.consume", consumed.count(), produced.count());
            add(
                    ceilings,
                    progress,
                    "kafka.consume",
                    "records",
                    consumed,
                    "the kafka.produce records read from the beginning to the end offsets, read_committed,"
                            + " max.poll.records=" + CeilingKafka.MAX_POLL_RECORDS + ", no group");
        } catch (RuntimeException e) {
            progress.accept("kafka.consume failed: " + describe(e));
        }
        try {
            CeilingKafka.Run loop = kafka.consumeProduce(records, copy, produced.count(), copy, false);
            check("kafka.consume-produce", loop.count(), produced.count());
            add(
                    ceilings,
                    progress,
                    "kafka.consume-produce",
                    "records",
                    loop,
                    "the kafka.produce records copied by a consumer group (read_committed, max.poll.records="
                            + CeilingKafka.MAX_POLL_RECORDS + ") and an idempotent producer (acks=all): per poll"
                            + " batch, send, flush, commitSync (at least once); clock from the first batch");
        } catch (RuntimeException e) {
            progress.accept("kafka.consume-produce failed: " + describe(e));
        }
        try {
            CeilingKafka.Run loop = kafka.consumeProduce(records, copyEos, produced.count(), copyEos, true);
            check("kafka.consume-produce-eos", loop.count(), produced.count());
            add(
                    ceilings,
                    progress,
                    "kafka.consume-produce-eos",
                    "records",
                    loop,
                    "the same loop transactional: per poll batch beginTransaction, send,"
                            + " sendOffsetsToTransaction, commitTransaction (exactly once, read_committed); the"
                            + " streams app commits every vigil.streams.commit-interval-ms instead of per batch");
        } catch (RuntimeException e) {
            progress.accept("kafka.consume-produce-eos failed: " + describe(e));
        }
    }

    private void measureElasticsearch(
            CeilingInputs material,
            CeilingElasticsearch elastic,
            List<BenchResult.Ceiling> ceilings,
            Consumer<String> progress) {
        int batch = StreamsAppConfig.INDEXER_BATCH_SIZE.defaultValue();
        try {
            // Bulk requests of 1000 trail documents take seconds on a loaded box: past the duration, five of them
            // are enough (20 000 documents could take minutes there).
            long minDocuments = Math.min(minCount, 5L * batch);
            CeilingElasticsearch.Run run = elastic.bulkCreate(material.drafts(), batch, minDuration, minDocuments);
            check("elasticsearch.bulk-create", run.held(), run.count());
            add(
                    ceilings,
                    progress,
                    "elasticsearch.bulk-create",
                    "documents",
                    new CeilingKafka.Run(run.count(), run.bytes(), run.seconds(), run.repeats()),
                    material.drafts().size() + " trail documents per pass x " + run.repeats() + " passes (chains"
                            + " continue across passes, so every _id is new), with the verdicts of the built-in"
                            + " catalog evaluated per tenant/scope in input order (personal-data encryption of the"
                            + " streams app not applied); " + run.bulks() + " bulk requests of up to " + batch
                            + " (vigil.indexer.batch-size default), op_type=create, _id tenant/scope:seq, into the"
                            + " trail template's monthly index; seconds = time in bulk requests + final refresh"
                            + " (chaining and request building excluded); bytes = document JSON");
        } catch (Exception e) {
            progress.accept("elasticsearch.bulk-create failed: " + describe(e));
        }
    }

    private static void add(
            List<BenchResult.Ceiling> ceilings,
            Consumer<String> progress,
            String name,
            String unit,
            CeilingKafka.Run run,
            String note) {
        double perSecond = run.count() / run.seconds();
        ceilings.add(new BenchResult.Ceiling(name, unit, run.count(), run.bytes(), run.seconds(), perSecond, note));
        progress.accept(String.format(
                Locale.ROOT,
                "%s %,.0f %s/s (%.1f MB/s; %,d %s in %.2f s)",
                name,
                perSecond,
                unit,
                run.bytes() / run.seconds() / 1e6,
                run.count(),
                unit,
                run.seconds()));
    }

    private static void check(String name, long seen, long expected) {
        if (seen != expected) {
            throw new IllegalStateException(name + " counted " + seen + " but " + expected + " were written");
        }
    }

    private void createTopics(Admin admin, List<String> topics) throws Exception {
        List<NewTopic> wanted = topics.stream()
                .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
                .toList();
        for (int attempt = 1; ; attempt++) {
            try {
                admin.createTopics(wanted).all().get(60, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || attempt == 20) {
                    throw e;
                }
                // Left over from an interrupted run (or still being deleted): start from empty topics.
                deleteTopics(admin, topics);
                Thread.sleep(500);
            }
        }
    }

    private static void deleteTopics(Admin admin, List<String> topics) throws Exception {
        try {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
            // Some did not exist: delete the others one by one.
            for (String topic : topics) {
                try {
                    admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException one) {
                    if (!(one.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw one;
                    }
                }
            }
        }
    }

    private static void cleanUp(
            Admin admin,
            List<String> topics,
            List<String> groups,
            CeilingElasticsearch elastic,
            Consumer<String> progress) {
        try {
            deleteTopics(admin, topics);
        } catch (Exception e) {
            progress.accept("could not delete the scratch topics " + topics + ": " + describe(e));
        }
        for (String group : groups) {
            try {
                admin.deleteConsumerGroups(List.of(group)).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    progress.accept("could not delete the scratch consumer group " + group + ": " + describe(e));
                }
            } catch (Exception e) {
                progress.accept("could not delete the scratch consumer group " + group + ": " + describe(e));
            }
        }
        try {
            elastic.cleanUp();
        } catch (Exception e) {
            progress.accept("could not delete the scratch trail indices: " + describe(e));
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
