package io.pagehint.channel.testing;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.memory.GuestMemoryLayout;

/**
 * A consumer that checks every chunk as the engine needs it, independently of the channel's own
 * checks: the request's command id, and every marked page usable RAM of the layout
 * ({@link GuestMemoryLayout#isUsableRam}, page by page). Keeps the last violation.
 */
public final class ValidatingConsumer extends RecordingConsumer {

    private final GuestMemoryLayout layout;
    private final long commandId;
    private String violation;

    public ValidatingConsumer(GuestMemoryLayout layout, long commandId) {
        this.layout = layout;
        this.commandId = commandId;
    }

    @Override
    public synchronized void onChunk(HintChunk chunk) {
        if (chunk.commandId() != commandId) {
            violation = "chunk of command " + chunk.commandId();
        }
        long page = layout.guestPageSize();
        if (chunk instanceof HintChunk.Words w) {
            for (int i = 0; i < w.words().length * 64; i++) {
                if ((w.words()[i >>> 6] & (1L << i)) != 0 && !layout.isUsableRam((w.firstPfn() + i) * page, page)) {
                    violation = "PFN " + (w.firstPfn() + i) + " is not usable RAM";
                }
            }
        } else if (chunk instanceof HintChunk.Ranges r) {
            long[] runs = r.startAndCount();
            for (int i = 0; i < runs.length; i += 2) {
                if (runs[i] > Long.MAX_VALUE / page || !layout.isUsableRam(runs[i] * page, runs[i + 1] * page)) {
                    violation = "run " + runs[i] + "+" + runs[i + 1] + " is not usable RAM";
                }
            }
        }
        super.onChunk(chunk);
    }

    /** The last broken rule, or null. */
    public synchronized String violation() {
        return violation;
    }
}
