package io.pagehint.channel.virtio.device;

import io.pagehint.api.hint.HintStatus;
import io.pagehint.channel.hint.ActiveRequest;
import io.pagehint.channel.virtio.balloon.Balloon;
import java.time.Duration;

/**
 * The free-page-hint rounds of one balloon device (docs/PROTOCOL.md B.5, B.6): which request the
 * round in flight serves, whether the driver has acknowledged its command id, the wire ids, the
 * timestamps the watchdog checks, and the page counts. A round is IDLE (the config holds STOP or
 * DONE), REQUESTED (a new id is in the config, not acknowledged yet) or STARTED (acknowledged: the
 * driver's free blocks are hints for it). Only a STARTED round takes hints, so a block the driver
 * posted for an older id is never credited to a newer request.
 *
 * <p>Not thread-safe: the {@link BalloonDevice} owns it and calls it under its lock. It decides;
 * the device writes the command id to its config and raises the interrupts.
 */
final class FreePageHintRounds {

    private enum Phase {
        IDLE,
        REQUESTED,
        STARTED
    }

    private Phase phase = Phase.IDLE;
    private ActiveRequest active;
    private int lastWireId = -1;
    private long requestedNanos;
    private long progressNanos;
    private long staleBuffers;
    private long hintedPages;
    private long roundPages;
    /** Pages hinted since the driver last set the device up: the blocks it may still hold. */
    private long pagesSinceSetUp;

    // ------------------------------------------------------------------ the host's side

    /**
     * A new round for {@code request}: the previous request, if any, fails as superseded.
     *
     * @return the round's wire id, for {@code free_page_hint_cmd_id}
     */
    int begin(ActiveRequest request, Outcome o) {
        if (active != null) { // a no-op for a request that has ended
            o.finish(active, HintStatus.FAILED, "superseded by command " + request.commandId());
        }
        lastWireId = Balloon.nextCommandId(lastWireId);
        active = request;
        roundPages = 0;
        phase = Phase.REQUESTED;
        requestedNanos = System.nanoTime();
        return lastWireId;
    }

    /** The host stopped {@code request}; returns whether that ended the round in flight (the device then says STOP). */
    boolean stop(ActiveRequest request) {
        if (active == request && phase != Phase.IDLE) {
            phase = Phase.IDLE;
            return true;
        }
        return false;
    }

    /** The host is done with {@code request}; returns whether it was the current one (the device then says DONE). */
    boolean done(ActiveRequest request) {
        if (active == request) {
            phase = Phase.IDLE;
            active = null;
            return true;
        }
        return false;
    }

    /** The device broke down: the round in flight fails; its request stays the current one until the host is done with it. */
    void fail(Outcome o, String why) {
        if (active != null) { // a no-op for a request that has ended
            o.finish(active, HintStatus.FAILED, why);
        }
        phase = Phase.IDLE;
    }

    /** The device is reset or goes away: the round in flight fails and no request is current. */
    void abandon(Outcome o, String why) {
        fail(o, why);
        active = null;
    }

    /** The driver reset the device: it gives back every block it held. */
    void driverReset() {
        pagesSinceSetUp = 0;
    }

    /** Why the driver is overdue (it neither acknowledged the id nor made progress within {@code timeout}), or null. */
    String overdue(long nowNanos, Duration timeout) {
        long limit = timeout.toNanos();
        if (phase == Phase.REQUESTED && nowNanos - requestedNanos > limit) {
            return "guest did not answer: command id not acknowledged within " + timeout.toMillis()
                    + " ms (a paused guest runs no driver code)";
        }
        if (phase == Phase.STARTED && nowNanos - progressNanos > limit) {
            return "guest did not answer: no free blocks and no STOP within " + timeout.toMillis() + " ms";
        }
        return null;
    }

    // ------------------------------------------------------------------ the driver's side

    /**
     * The driver posted command id {@code id} while the config holds {@code configId}.
     *
     * @return whether it ended the round in flight (a STOP for a STARTED round: the driver has no more blocks)
     */
    boolean commandIdArrived(int id, int configId) {
        if (phase == Phase.REQUESTED && id == configId) {
            phase = Phase.STARTED;
            progressNanos = System.nanoTime();
            return false;
        }
        if (id == Balloon.CMD_ID_STOP && phase == Phase.STARTED) {
            phase = Phase.IDLE; // the driver has no more blocks: the round is complete
            return true;
        }
        staleBuffers++; // an old round's id, or the STOP of a round the host ended first
        return false;
    }

    /** Whether free blocks are hints now; a block that arrives otherwise is counted stale and dropped. */
    boolean takesBlocks() {
        if (phase != Phase.STARTED) {
            staleBuffers++;
            return false;
        }
        return true;
    }

    /** The driver used the queue: the round is making progress. */
    void progressed() {
        progressNanos = System.nanoTime();
    }

    /** {@code pages} were handed on as hints for the current request. */
    void hinted(long pages) {
        hintedPages += pages;
        roundPages += pages;
        pagesSinceSetUp += pages;
    }

    /**
     * Why a complete round is READY, for its request's detail. A round without a block is an
     * answer, not a fault; when the driver holds none from earlier rounds either (then its free
     * blocks are simply still held), say why there were none.
     */
    String completedDetail() {
        return roundPages > 0 || pagesSinceSetUp > 0 ? ""
                : "the guest's driver hinted no free block: it had no free block of its hint order above its watermark";
    }

    /** The request the current round serves, or null. */
    ActiveRequest active() {
        return active;
    }

    /** Buffers ignored because they belonged to no current round. */
    long staleBuffers() {
        return staleBuffers;
    }

    /** Pages handed on as hints over the device's life. */
    long hintedPages() {
        return hintedPages;
    }
}
