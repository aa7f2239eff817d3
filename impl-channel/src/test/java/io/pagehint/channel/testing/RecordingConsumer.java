package io.pagehint.channel.testing;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A hint consumer that keeps every call, for tests to wait on and look at. */
public class RecordingConsumer implements HintConsumer {

    private final List<HintChunk> chunks = new ArrayList<>();
    private HintStatus status;
    private String detail;
    private long finishedId;
    private int finishCalls;
    private boolean chunkAfterFinish;

    @Override
    public synchronized void onChunk(HintChunk chunk) {
        if (status != null) {
            chunkAfterFinish = true;
        }
        chunks.add(chunk);
        notifyAll();
    }

    @Override
    public synchronized void onFinished(long commandId, HintStatus finalStatus, String why) {
        finishCalls++;
        finishedId = commandId;
        status = finalStatus;
        detail = why;
        notifyAll();
    }

    /** Waits for the end of the request and returns its status. */
    public synchronized HintStatus awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the request did not end within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return status;
    }

    /** Waits until at least {@code n} chunks have arrived. */
    public synchronized void awaitChunks(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (chunks.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + n + " chunks, got " + chunks.size());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    public synchronized List<HintChunk> chunks() {
        return List.copyOf(chunks);
    }

    public synchronized HintStatus status() {
        return status;
    }

    public synchronized String detail() {
        return detail;
    }

    public synchronized long finishedId() {
        return finishedId;
    }

    public synchronized int finishCalls() {
        return finishCalls;
    }

    public synchronized boolean sawChunkAfterFinish() {
        return chunkAfterFinish;
    }

    /** Every page the chunks marked, in a bitmap of {@code pfnLimit} pages. */
    public synchronized PageBitmap pages(long pfnLimit) {
        PageBitmap b = new PageBitmap(pfnLimit);
        chunks.forEach(c -> c.setInto(b));
        return b;
    }
}
