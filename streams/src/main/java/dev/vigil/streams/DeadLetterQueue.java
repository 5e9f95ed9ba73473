package dev.vigil.streams;

import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * The streams app's dead-letter topic: an input that cannot be read or processed is kept there,
 * byte for byte, with why and where it failed in headers, so nothing is dropped from the trail
 * silently and an operator can replay it after a fix. The header names are Kafka Streams' own
 * (KIP-1034), so generic DLQ tooling understands them.
 */
public final class DeadLetterQueue {

    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    public static final String HEADER_STACKTRACE = "__streams.errors.stacktrace";
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    public static final String HEADER_OFFSET = "__streams.errors.offset";
    /** deserialization, processing or production: which of the error paths dead-lettered it. */
    public static final String HEADER_STAGE = "vigil.errors.stage";
    /** The processor that failed (processing and production errors). */
    public static final String HEADER_PROCESSOR = "vigil.errors.processor";

    private static final int MAX_STACKTRACE_CHARS = 8_192;

    private DeadLetterQueue() {}

    public static String topicName(Topics topics) {
        return topics.streamsDeadLetters().name();
    }

    /** The DLQ name the app configured; every handler reads it in {@code configure}. */
    static String configuredTopic(Map<String, ?> configs) {
        Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (name == null || name.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " must name the dead-letter topic: Vigil never skips a record without keeping it");
        }
        return name.toString();
    }

    static ProducerRecord<byte[], byte[]> record(
            String dlqTopic, String stage, byte[] key, byte[] value, ErrorHandlerContext context, Exception error) {
        Headers headers = new RecordHeaders();
        if (context.headers() != null) {
            context.headers().forEach(headers::add);
        }
        put(headers, HEADER_STAGE, stage);
        put(headers, HEADER_EXCEPTION, error.getClass().getName());
        put(headers, HEADER_MESSAGE, String.valueOf(error.getMessage()));
        put(headers, HEADER_STACKTRACE, stackTrace(error));
        put(headers, HEADER_TOPIC, String.valueOf(context.topic()));
        put(headers, HEADER_PARTITION, Integer.toString(context.partition()));
        put(headers, HEADER_OFFSET, Long.toString(context.offset()));
        if (context.processorNodeId() != null) {
            put(headers, HEADER_PROCESSOR, context.processorNodeId());
        }
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }

    static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Exception error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() <= MAX_STACKTRACE_CHARS ? text : text.substring(0, MAX_STACKTRACE_CHARS);
    }
}
