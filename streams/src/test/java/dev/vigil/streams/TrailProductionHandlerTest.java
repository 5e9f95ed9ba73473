package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class TrailProductionHandlerTest {

    private static final byte[] RAW_KEY = "acme/github.com/acme/shop".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RAW_VALUE = {(byte) 0xC3, 0x01, 1, 2, 3};

    private final ErrorHandlerContext context = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return "p-vigil.pipeline-events";
        }

        @Override
        public int partition() {
            return 3;
        }

        @Override
        public long offset() {
            return 77;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders().add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String processorNodeId() {
            return ComplianceTopology.SINK_AUDIT_TRAIL;
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 3);
        }

        @Override
        public long timestamp() {
            return 1_700_000_000_000L;
        }

        @Override
        public byte[] sourceRawKey() {
            return RAW_KEY;
        }

        @Override
        public byte[] sourceRawValue() {
            return RAW_VALUE;
        }
    };

    private final ProducerRecord<byte[], byte[]> trailRecord =
            new ProducerRecord<>("p-vigil.audit-trail", RAW_KEY, new byte[2_000_000]);

    private TrailProductionHandler handler() {
        TrailProductionHandler handler = new TrailProductionHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "p-vigil.streams-dlq"));
        return handler;
    }

    @Test
    void shouldDeadLetterTheInputOfARecordTheBrokerRefusesAsTooLarge() {
        Response response = handler().handleError(context, trailRecord, new RecordTooLargeException("too large"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("p-vigil.streams-dlq");
            assertThat(dead.key()).isEqualTo(RAW_KEY);
            assertThat(dead.value()).isEqualTo(RAW_VALUE);
            assertThat(DeadLetterQueue.header(dead.headers(), DeadLetterQueue.HEADER_STAGE))
                    .isEqualTo("production");
            assertThat(DeadLetterQueue.header(dead.headers(), DeadLetterQueue.HEADER_TOPIC))
                    .isEqualTo("p-vigil.pipeline-events");
            assertThat(DeadLetterQueue.header(dead.headers(), DeadLetterQueue.HEADER_PARTITION))
                    .isEqualTo("3");
            assertThat(DeadLetterQueue.header(dead.headers(), DeadLetterQueue.HEADER_OFFSET))
                    .isEqualTo("77");
            assertThat(DeadLetterQueue.header(dead.headers(), "traceparent")).isEqualTo("00-abc-01");
        });
    }

    @Test
    void shouldFailOnAnyOtherProductionError() {
        Response response = handler().handleError(context, trailRecord, new TimeoutException("broker away"));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldFailOnSerializationErrors() {
        ProducerRecord<String, String> record = new ProducerRecord<>("p-vigil.audit-trail", "k", "v");

        Response response = handler()
                .handleSerializationError(
                        context, record, new IllegalStateException("bug"), SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(Result.FAIL);
    }

    @Test
    void shouldRefuseToStartWithoutADeadLetterTopic() {
        assertThatThrownBy(() -> new TrailProductionHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new DeadLetterDeserializationHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new DeadLetterProcessingHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class);
    }
}
