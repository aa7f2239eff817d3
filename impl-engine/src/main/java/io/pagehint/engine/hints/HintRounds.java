package io.pagehint.engine.hints;

import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.migration.HintReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hinting of one migration, round by round, in the order section 8 of the design note and
 * QEMU's free-page-hint notifier keep: dirty logging is already on when a round's request goes out;
 * before the dirty log is harvested the gate is shut and the request stopped; before the guest is
 * paused for the last round hinting stops for good; when the migration ends every request is
 * closed (DONE) so the guest gets its pages back.
 */
public final class HintRounds {

    private static final Logger LOG = LoggerFactory.getLogger(HintRounds.class);

    private final HintSource source;
    private final HintGate gate;
    private final AtomicLong commandIds;
    private final boolean dropPageCache;
    private final boolean applyStaleHints;
    private final long staleMessagesBefore; // the source counts over its life; the report counts this migration
    private final List<HintRequest> requests = new ArrayList<>();
    private HintRequest current;
    private volatile String note = "";
    private volatile boolean stopped;
    private long firstRequestNanos = -1;
    private long firstCommandId = -1;
    private volatile long readyNanos = -1;
    private final Object finishedLock = new Object();
    private long lastFinishedId = -1;

    /**
     * @param commandIds      the engine's command id counter, shared by all its migrations so ids
     *                        keep rising over the life of a hint source
     * @param applyStaleHints TEST ONLY: leave the gate open and the request running across the
     *                        harvest (the rule under test switched off)
     */
    public HintRounds(HintSource source, HintGateFactory gates, AtomicLong commandIds, boolean dropPageCache,
                      boolean applyStaleHints) {
        this.source = source;
        this.commandIds = commandIds;
        this.dropPageCache = dropPageCache;
        this.applyStaleHints = applyStaleHints;
        this.staleMessagesBefore = source.staleMessagesDropped();
        this.gate = gates.create(this::finished, this::fail);
    }

    /** Makes the gate, handing it where to report request ends and failures. */
    @FunctionalInterface
    public interface HintGateFactory {
        HintGate create(HintGate.FinishListener finished, java.util.function.Consumer<String> failure);
    }

    public String transport() {
        return source.transport();
    }

    public HintSource source() {
        return source;
    }

    public HintGate gate() {
        return gate;
    }

    /** Asks the guest for this round's hints. Dirty logging must be on. */
    public synchronized void startRound(int round) {
        if (stopped) {
            return;
        }
        long id = commandIds.incrementAndGet();
        // open first, so the request's first chunk cannot find the gate shut
        gate.open(id);
        if (firstRequestNanos < 0) {
            // before the request: its first chunk may arrive before request() returns
            firstRequestNanos = System.nanoTime();
            firstCommandId = id;
        }
        try {
            HintRequest r = source.request(new HintRequestOptions(id, dropPageCache), gate);
            requests.add(r);
            current = r;
        } catch (RuntimeException e) {
            fail("the hint source refused round " + round + "'s request: " + e.getMessage());
        }
    }

    /** Ends the round's hinting; must be called before the dirty log is harvested. */
    public synchronized void endRound() {
        if (applyStaleHints) {
            return; // the rule under test, switched off: hints keep coming across the harvest
        }
        gate.close();
        stopCurrent();
    }

    /** Hinting ends for good: before the guest is paused for the last round. */
    public synchronized void stopForGood() {
        stopped = true;
        gate.close();
        stopCurrent();
    }

    /** The hint source went away: no more hints; the migration goes on without them. */
    public void sourceLost(String why) {
        gate.close();
        synchronized (this) {
            stopped = true;
            if (note.isEmpty()) {
                note = why;
            }
        }
        LOG.info("hints stopped: {}", why);
    }

    /** Closes every request (DONE): the guest may reuse every page it set aside. Never throws. */
    public synchronized void finish() {
        stopped = true;
        gate.close();
        for (HintRequest r : requests) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warn("closing hint request {} failed", r.commandId(), e);
            }
        }
    }

    public int requestCount() {
        return requests.size();
    }

    public HintReport report() {
        HintGate.Counters c = gate.counters();
        Duration first = c.firstChunkNanos() < 0 || firstRequestNanos < 0 ? null
                : Duration.ofNanos(c.firstChunkNanos() - firstRequestNanos);
        Duration ready = readyNanos < 0 ? null : Duration.ofNanos(readyNanos - firstRequestNanos);
        return new HintReport(source.transport(), note, requests.size(), c.chunksApplied(), c.chunksDropped(),
                c.pagesHinted(), c.holeBits(), first, ready, source.staleMessagesDropped() - staleMessagesBefore);
    }

    private void stopCurrent() {
        if (current != null) {
            try {
                current.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping hint request {} failed", current.commandId(), e);
            }
        }
    }

    /** Waits until the current round's request has ended, or {@code timeout} passes. */
    public void awaitCurrent(Duration timeout) throws InterruptedException {
        long id = currentCommandId();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (finishedLock) {
            while (id > 0 && lastFinishedId < id && !stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                finishedLock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void finished(long commandId, HintStatus status, String detail) {
        synchronized (finishedLock) {
            lastFinishedId = Math.max(lastFinishedId, commandId);
            finishedLock.notifyAll();
        }
        if (commandId == firstCommandId && status == HintStatus.READY && readyNanos < 0) {
            readyNanos = System.nanoTime();
        }
        if ((status == HintStatus.UNSUPPORTED || status == HintStatus.FAILED) && note.isEmpty() && !stopped) {
            note = "request " + commandId + " ended " + status + (detail == null || detail.isEmpty() ? "" : ": " + detail);
        } else if (status == HintStatus.READY && detail != null && !detail.isEmpty() && note.isEmpty() && !stopped) {
            // a complete answer with a remark from the source (e.g. why it hinted nothing)
            note = "request " + commandId + " ended READY: " + detail;
        }
    }

    private void fail(String why) {
        sourceLost(why);
    }

    /** The command id of the current round's request, or -1. */
    public synchronized long currentCommandId() {
        return current == null ? -1 : current.commandId();
    }
}
