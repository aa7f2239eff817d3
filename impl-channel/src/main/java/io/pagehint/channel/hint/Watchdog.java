package io.pagehint.channel.hint;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs periodic checks: how a channel notices a guest that stopped
 * answering, a handshake that never came, or a write that does not finish. A check must not block.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final ScheduledExecutorService executor;

    public Watchdog(String name) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** The tick for timeouts of {@code timeout}: a quarter of it, between 10 and 200 ms. */
    public static Duration tickFor(Duration timeout) {
        long ms = Math.max(10, Math.min(200, timeout.toMillis() / 4));
        return Duration.ofMillis(ms);
    }

    /** Runs {@code check} every {@code period} until the returned handle is cancelled. */
    public AutoCloseable every(Duration period, Runnable check) {
        ScheduledFuture<?> f = executor.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (RuntimeException e) {
                LOG.error("watchdog check failed", e);
            }
        }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
