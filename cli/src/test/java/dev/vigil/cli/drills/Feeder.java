package dev.vigil.cli.drills;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a drill's inputs straight to the input topics, as ingest does: an idempotent producer
 * with acks=all, so a retry after a broker restart neither duplicates nor reorders a record. It
 * paces itself to {@code ratePerSecond} (0: as fast as it can) so inputs keep flowing while the
 * drill breaks things.
 */
final class Feeder implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final List<DrillInputs.Input> inputs;
    private final int ratePerSecond;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread thread;

    Feeder(String bootstrapServers, List<DrillInputs.Input> inputs, int ratePerSecond) {
        this.inputs = inputs;
        this.ratePerSecond = ratePerSecond;
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        // rides out a broker restart: retried, never given up on
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    void start() {
        thread = Thread.ofPlatform().name("drill-feeder").start(this::feed);
    }

    private void feed() {
        long t0 = System.nanoTime();
        for (DrillInputs.Input input : inputs) {
            if (failure.get() != null) {
                return;
            }
            producer.send(new ProducerRecord<>(input.topic(), input.key(), input.value()), (meta, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            int n = sent.incrementAndGet();
            if (ratePerSecond > 0) {
                long due = t0 + (long) n * 1_000_000_000L / ratePerSecond;
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    try {
                        Thread.sleep(wait / 1_000_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
        producer.flush();
    }

    /** Inputs handed to the producer so far. */
    int sent() {
        return sent.get();
    }

    /** Waits until every input is acknowledged; fails if any was not. */
    void finish() throws InterruptedException {
        thread.join();
        producer.flush();
        if (failure.get() != null) {
            throw new AssertionError("an input was not acknowledged by the broker", failure.get());
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        producer.close();
    }
}
