package dev.vigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedServersIT {

    @Test
    void shouldStartOneBrokerAndOneNodePerJvmWhenAskedConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Object>> calls = pool.invokeAll(List.<Callable<Object>>of(
                    SharedServers::kafka,
                    SharedServers::kafka,
                    SharedServers::kafka,
                    SharedServers::elasticsearch,
                    SharedServers::elasticsearch,
                    SharedServers::elasticsearch));

            assertThat(List.of(
                            calls.get(0).get(), calls.get(1).get(), calls.get(2).get(), SharedServers.kafka()))
                    .allSatisfy(k -> assertThat(k).isSameAs(SharedServers.kafka()));
            assertThat(List.of(
                            calls.get(3).get(), calls.get(4).get(), calls.get(5).get(), SharedServers.elasticsearch()))
                    .allSatisfy(es -> assertThat(es).isSameAs(SharedServers.elasticsearch()));
        } finally {
            pool.shutdownNow();
        }

        assertThat(SharedServers.kafka().bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(EmbeddedKafkaIT.clusterId(SharedServers.kafka())).isNotBlank();
        assertThat(SharedServers.elasticsearch().httpUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
    }
}
