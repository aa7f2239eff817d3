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
 */
public record HintReport(String transport, String note, long requests, long chunksApplied, long chunksDropped,
                         long pagesHintedFree, long holeBits, Duration firstHintLatency, Duration readyLatency) {

    public static HintReport none(String why) {
        return new HintReport("none", why, 0, 0, 0, 0, 0, null, null);
    }
}
