package io.pagehint.api.migration;

import java.time.Duration;

/**
 * What free-page hinting did in a migration.
 *
 * @param transport        the transport used, or "none"
 * @param note             why hints were not used or stopped being used; empty when all went well
 * @param requests         hint requests made (one per round while hinting)
 * @param chunksApplied    chunks that cleared the migration bitmap
 * @param chunksDropped    chunks dropped because their round's dirty log had been harvested (stale)
 * @param pagesHintedFree  pages the guest reported free, summed over requests
 * @param holeBits         free bits the guest reported in holes or reserved ranges (ignored)
 * @param firstHintLatency from the first request to its first chunk, null if none came
 * @param readyLatency     from the first request to its end with READY, null if it never got there
 * @param staleMessagesDropped messages the hint source dropped during the migration because they
 *                         answered a request that had already ended (the guest was late), as
 *                         {@link io.pagehint.api.hint.HintSource#staleMessagesDropped()} counts them
 *                         (since 1.1)
 */
public record HintReport(String transport, String note, long requests, long chunksApplied, long chunksDropped,
                         long pagesHintedFree, long holeBits, Duration firstHintLatency, Duration readyLatency,
                         long staleMessagesDropped) {

    /** The report of version 1.0, with no stale messages counted. */
    public HintReport(String transport, String note, long requests, long chunksApplied, long chunksDropped,
                      long pagesHintedFree, long holeBits, Duration firstHintLatency, Duration readyLatency) {
        this(transport, note, requests, chunksApplied, chunksDropped, pagesHintedFree, holeBits, firstHintLatency,
                readyLatency, 0);
    }

    public static HintReport none(String why) {
        return new HintReport("none", why, 0, 0, 0, 0, 0, null, null, 0);
    }
}
