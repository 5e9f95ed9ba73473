package dev.vigil.streams;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread that died of a transient cause (a broker or network hiccup Kafka itself marks
 * retriable) is replaced: its tasks restore from the changelog and resume from the last committed
 * transaction. Anything else stops this instance rather than loop on a bug or corrupt state; the
 * chain heads stay consistent either way because uncommitted work is aborted.
 */
public final class UncaughtErrorPolicy implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(UncaughtErrorPolicy.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (isTransient(exception)) {
            LOG.warn("stream thread died of a transient error; replacing it: {}", exception.toString(), exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error(
                "stream thread died of a non-transient error; shutting this streams instance down. The trail stops"
                        + " growing until the cause is fixed and the service restarted: {}",
                exception.toString(),
                exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    static boolean isTransient(Throwable exception) {
        Throwable t = exception;
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }
}
