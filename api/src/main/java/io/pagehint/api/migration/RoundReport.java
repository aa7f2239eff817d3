package io.pagehint.api.migration;

import java.time.Duration;

/**
 * One round of a migration, as the source saw it.
 *
 * @param round               from 1; the last round is the stop-and-copy
 * @param time                how long the round ran
 * @param pagesSent           pages whose content was sent
 * @param zeroPages           pages sent as zero markers
 * @param bytesOnWire         bytes the round put on the wire
 * @param pagesSkippedByHints pages cleared from the migration bitmap by hints during the round
 * @param dirtyPages          pages the harvest that ended the round found dirty
 */
public record RoundReport(int round, Duration time, long pagesSent, long zeroPages, long bytesOnWire,
                          long pagesSkippedByHints, long dirtyPages) {
}
