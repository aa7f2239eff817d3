package io.pagehint.channel.hint;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request for hints as both transports run it: hands validated chunks to the consumer while
 * the request is in progress, ends it exactly once, and keeps the promise of
 * {@link HintRequest#stop()}: chunks are handed on while holding this object's lock and
 * {@link #finish} takes the same lock, so once {@code stop()} returns no {@code onChunk} is running
 * and none will start. Exceptions thrown by the consumer are logged and go no further.
 */
public final class ActiveRequest implements HintRequest {

    /** What the transport does when the host stops or ends a request. */
    public interface Transport {
        /** Tell the guest to stop working on {@code request} (idempotent; never throws). */
        void stopRequested(ActiveRequest request);

        /** Let the guest reuse the pages it set aside for {@code request} (idempotent; never throws). */
        void doneRequested(ActiveRequest request);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ActiveRequest.class);

    private final long commandId;
    private final HintConsumer consumer;
    private final Transport transport;
    private HintStatus status = HintStatus.IN_PROGRESS;
    private String detail = "";
    private long chunks;
    private long pages;
    private boolean closed;

    public ActiveRequest(long commandId, HintConsumer consumer, Transport transport) {
        this.commandId = commandId;
        this.consumer = consumer;
        this.transport = transport;
    }

    /** A request that ended before it began: the consumer hears {@code status} at once. */
    public static ActiveRequest finished(long commandId, HintConsumer consumer, HintStatus status, String why) {
        ActiveRequest r = new ActiveRequest(commandId, consumer, NO_TRANSPORT);
        r.finish(status, why);
        return r;
    }

    private static final Transport NO_TRANSPORT = new Transport() {
        @Override
        public void stopRequested(ActiveRequest request) {
        }

        @Override
        public void doneRequested(ActiveRequest request) {
        }
    };

    @Override
    public long commandId() {
        return commandId;
    }

    @Override
    public synchronized HintStatus status() {
        return status;
    }

    /** Why the request ended as it did; empty while it runs or when READY. */
    public synchronized String detail() {
        return detail;
    }

    /** Whether chunks are still taken. */
    public synchronized boolean inProgress() {
        return status == HintStatus.IN_PROGRESS;
    }

    /** Chunks handed to the consumer so far. */
    public synchronized long chunks() {
        return chunks;
    }

    /** Pages in the chunks handed to the consumer so far. */
    public synchronized long pages() {
        return pages;
    }

    /**
     * Hands a validated chunk to the consumer if the request is still in progress.
     *
     * @return false if the request had ended (the chunk is stale and was dropped)
     */
    public synchronized boolean deliver(HintChunk chunk) {
        if (status != HintStatus.IN_PROGRESS) {
            return false;
        }
        chunks++;
        pages += chunk.pages();
        try {
            consumer.onChunk(chunk);
        } catch (RuntimeException e) {
            LOG.warn("hint consumer of command {} failed on a chunk; the channel goes on", commandId, e);
        }
        return true;
    }

    /**
     * Ends the request with {@code finalStatus} unless it has ended already.
     *
     * @return whether this call ended it
     */
    public synchronized boolean finish(HintStatus finalStatus, String why) {
        if (status != HintStatus.IN_PROGRESS || !finalStatus.isFinal()) {
            return false;
        }
        status = finalStatus;
        detail = why == null ? "" : why;
        try {
            consumer.onFinished(commandId, finalStatus, detail);
        } catch (RuntimeException e) {
            LOG.warn("hint consumer of command {} failed when told it ended", commandId, e);
        }
        return true;
    }

    @Override
    public void stop() {
        finish(HintStatus.FAILED, "stopped by the host before the guest finished");
        try {
            transport.stopRequested(this);
        } catch (RuntimeException e) {
            LOG.warn("stopping command {} failed", commandId, e);
        }
    }

    @Override
    public void close() {
        stop();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            transport.doneRequested(this);
        } catch (RuntimeException e) {
            LOG.warn("ending command {} failed", commandId, e);
        }
    }

    @Override
    public String toString() {
        return "ActiveRequest[commandId=" + commandId + ", status=" + status() + "]";
    }
}
