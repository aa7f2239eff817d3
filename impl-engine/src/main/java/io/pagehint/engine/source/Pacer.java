package io.pagehint.engine.source;

import io.pagehint.engine.stream.StreamWriter;
import java.util.function.BooleanSupplier;

/**
 * Holds the wire to a bandwidth limit: a token bucket with 50 ms of burst. It waits in slices and
 * gives up at once when the migration is cancelled: at a low limit one wait can last minutes.
 */
final class Pacer implements StreamWriter.Pacer {

    private static final long BURST_NANOS = 50_000_000L;
    private static final long SLICE_NANOS = 20_000_000L;

    private final long bytesPerSecond;
    private final BooleanSupplier cancelled;
    private long nextFreeNanos;

    Pacer(long bytesPerSecond, BooleanSupplier cancelled) {
        this.bytesPerSecond = bytesPerSecond;
        this.cancelled = cancelled;
        this.nextFreeNanos = System.nanoTime();
    }

    @Override
    public void beforeWrite(long bytes) throws InterruptedException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        nextFreeNanos = Math.max(nextFreeNanos, now - BURST_NANOS) + bytes * 1_000_000_000L / bytesPerSecond;
        long until = nextFreeNanos - BURST_NANOS;
        for (long wait = until - now; wait > 0; wait = until - System.nanoTime()) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedException("cancelled while pacing to the bandwidth limit");
            }
            long slice = Math.min(wait, SLICE_NANOS);
            Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
        }
    }
}
