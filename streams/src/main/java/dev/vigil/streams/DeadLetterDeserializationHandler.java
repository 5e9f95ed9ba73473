package dev.vigil.streams;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An input that cannot be decoded goes, as received, to the dead-letter topic; processing continues. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private String dlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetterQueue.configuredTopic(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        LOG.error(
                "cannot decode input {}-{}@{} ({}); kept on dead-letter topic {}: fix the producer or upgrade"
                        + " Vigil, then replay it from there",
                record.topic(),
                record.partition(),
                record.offset(),
                exception.getMessage(),
                dlqTopic);
        return Response.resume(List.of(
                DeadLetterQueue.record(dlqTopic, "deserialization", record.key(), record.value(), context, exception)));
    }
}
