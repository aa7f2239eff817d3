package io.pagehint.api.hint;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import java.time.Duration;
import java.util.Objects;

/**
 * The polling form of API 7b: gathers the hints of one request into a loose bitmap. Poll
 * {@link #status()} (the note's loop with a 1 ms sleep) or wait with {@link #await(Duration)}.
 * Chunks tagged with another command id are dropped and counted.
 */
public final class FreePageBitmapRequest implements HintConsumer, AutoCloseable {

    private final long commandId;
    private final LooseFreePageBitmap bitmap;
    private final long startNanos = System.nanoTime();
    private volatile HintRequest request;
    private volatile HintStatus status = HintStatus.IN_PROGRESS;
    private volatile String detail = "";
    private volatile long firstChunkNanos = -1;
    private volatile long finishedNanos = -1;
    private volatile long staleChunks;

    public FreePageBitmapRequest(long commandId, long pfnLimit, int guestPageSize) {
        this.commandId = commandId;
        this.bitmap = new LooseFreePageBitmap(pfnLimit, guestPageSize);
    }

    void attach(HintRequest request) {
        this.request = Objects.requireNonNull(request);
    }

    @Override
    public void onChunk(HintChunk chunk) {
        if (chunk.commandId() != commandId) {
            staleChunks++;
            return;
        }
        if (firstChunkNanos < 0) {
            firstChunkNanos = System.nanoTime() - startNanos;
        }
        chunk.setInto(bitmap.bits());
    }

    @Override
    public synchronized void onFinished(long id, HintStatus finalStatus, String why) {
        if (id != commandId || status.isFinal()) {
            return;
        }
        finishedNanos = System.nanoTime() - startNanos;
        detail = why == null ? "" : why;
        status = finalStatus;
        notifyAll();
    }

    public long commandId() {
        return commandId;
    }

    /** {@link HintStatus#IN_PROGRESS} until the request ends. */
    public HintStatus status() {
        return status;
    }

    /** Why the request failed or is unsupported; empty otherwise. */
    public String detail() {
        return detail;
    }

    /** The free pages gathered so far; complete once {@link #status()} is {@link HintStatus#READY}. */
    public LooseFreePageBitmap bitmap() {
        return bitmap;
    }

    /** Waits until the request ends or {@code timeout} passes; returns the status then. */
    public synchronized HintStatus await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!status.isFinal()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return status;
    }

    /** From the request to the first chunk, or null if none came. */
    public Duration firstChunkLatency() {
        return firstChunkNanos < 0 ? null : Duration.ofNanos(firstChunkNanos);
    }

    /** From the request to its end, or null while it runs. */
    public Duration latency() {
        return finishedNanos < 0 ? null : Duration.ofNanos(finishedNanos);
    }

    /** Chunks that carried another command id. */
    public long staleChunks() {
        return staleChunks;
    }

    /** Ends the request (see {@link HintRequest#close()}). */
    @Override
    public void close() {
        HintRequest r = request;
        if (r != null) {
            r.close();
        }
    }
}
