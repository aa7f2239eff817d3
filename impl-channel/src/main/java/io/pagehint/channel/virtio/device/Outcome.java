package io.pagehint.channel.virtio.device;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.channel.hint.ActiveRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a step of the device model asks its caller to do once the device's lock is released:
 * hand chunks to consumers and end requests (in this order), then raise an interrupt. The device
 * never calls a consumer or writes to the doorbell while it holds its lock, so a consumer or a
 * guest that does not read cannot stall the device for others.
 */
public final class Outcome {

    private final List<Runnable> steps = new ArrayList<>(2);
    private boolean hints;
    private int interrupts;
    private int interruptStatus;
    private boolean more;

    static Outcome none() {
        return new Outcome();
    }

    Outcome deliver(ActiveRequest request, HintChunk chunk) {
        hints = true;
        steps.add(() -> request.deliver(chunk));
        return this;
    }

    Outcome finish(ActiveRequest request, HintStatus status, String why) {
        steps.add(() -> request.finish(status, why));
        return this;
    }

    /** Raise an interrupt with these InterruptStatus bits set; {@code status} is the register after setting them. */
    Outcome interrupt(int bits, int status) {
        interrupts |= bits;
        interruptStatus = status;
        return this;
    }

    /** The queue may hold more chains: run another pass. */
    Outcome more() {
        more = true;
        return this;
    }

    /** Whether it hands hints on. */
    public boolean deliversHints() {
        return hints;
    }

    public boolean hasMore() {
        return more;
    }

    public int interrupts() {
        return interrupts;
    }

    public int interruptStatus() {
        return interruptStatus;
    }

    /** Hands on chunks and ends requests, in the order the device decided them. */
    public void runSteps() {
        steps.forEach(Runnable::run);
    }
}
