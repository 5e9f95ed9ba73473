package dev.vigil.streams;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production errors fail the task (the transaction aborts and the input is reprocessed), except a
 * record the broker will never accept: retrying that would stop the app forever, so its input is
 * dead-lettered instead. The chain processor refuses oversized links before they reach the
 * producer, so this path is a last resort (e.g. a broker with a lower {@code max.message.bytes}).
 */
public final class TrailProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TrailProductionHandler.class);

    private String dlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetterQueue.configuredTopic(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            LOG.error(
                    "the broker refused a {}-byte record for {} from input {}-{}@{} as too large; input kept on"
                            + " dead-letter topic {}. If it was an audit-trail link its chain now has a gap that"
                            + " verification will report: raise the topic's max.message.bytes and replay the input",
                    record.value() == null ? 0 : record.value().length,
                    record.topic(),
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    dlqTopic);
            return Response.resume(List.of(DeadLetterQueue.record(
                    dlqTopic, "production", context.sourceRawKey(), context.sourceRawValue(), context, exception)));
        }
        LOG.error(
                "cannot write to {} for input {}-{}@{} ({}); failing the task so the transaction aborts and the"
                        + " input is processed again",
                record.topic(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception.toString());
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        LOG.error(
                "cannot serialize the {} of a record for {} from input {}-{}@{} ({}); this is a bug: failing the"
                        + " task",
                origin.name().toLowerCase(java.util.Locale.ROOT),
                record.topic(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception.toString());
        return Response.fail();
    }
}
