package dev.vigil.streams;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input a processor throws on goes, as it was read from the source topic, to the dead-letter
 * topic; processing continues. The chain processor throws before it moves the head, so a
 * dead-lettered input leaves no gap.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private String dlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetterQueue.configuredTopic(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.error(
                "processor {} failed on input {}-{}@{} key '{}' ({}); kept on dead-letter topic {}: fix the cause,"
                        + " then replay it from there",
                context.processorNodeId(),
                context.topic(),
                context.partition(),
                context.offset(),
                // A punctuation (time-based evaluation) has no input record.
                record == null ? null : record.key(),
                exception.toString(),
                dlqTopic);
        return Response.resume(List.of(DeadLetterQueue.record(
                dlqTopic, "processing", context.sourceRawKey(), context.sourceRawValue(), context, exception)));
    }
}
