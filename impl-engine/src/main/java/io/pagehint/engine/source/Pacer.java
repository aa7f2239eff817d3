package io.pagehint.engine.source;

import io.pagehint.engine.stream.StreamWriter;

/** Holds the wire to a bandwidth limit: a token bucket with 50 ms of burst. */
final class Pacer implements StreamWriter.Pacer {

    private static final long BURST_NANOS = 50_000_000L;

    private final long bytesPerSecond;
    private long nextFreeNanos;

    Pacer(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.nextFreeNanos = System.nanoTime();
    }

    @Override
    public void beforeWrite(long bytes) throws InterruptedException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        nextFreeNanos = Math.max(nextFreeNanos, now - BURST_NANOS) + bytes * 1_000_000_000L / bytesPerSecond;
        long wait = nextFreeNanos - now - BURST_NANOS;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
