package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class UncaughtErrorPolicyTest {

    private final UncaughtErrorPolicy policy = new UncaughtErrorPolicy();

    @Test
    void shouldReplaceThreadWhenARetriableKafkaErrorCausedTheDeath() {
        assertThat(policy.handle(new StreamsException("task failed", new TimeoutException("broker slow"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(policy.handle(new NotLeaderOrFollowerException("leader moved")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldShutDownClientOnAnyOtherError() {
        assertThat(policy.handle(new StreamsException("bug", new IllegalStateException("corrupt"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(policy.handle(new OutOfMemoryError())).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
