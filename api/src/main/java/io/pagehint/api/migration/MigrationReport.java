package io.pagehint.api.migration;

import io.pagehint.api.vm.SelfCheckResult;
import java.time.Duration;
import java.util.List;

/**
 * What a migration did, from one end.
 *
 * @param migrationId         the migration
 * @param role                which end wrote the report
 * @param outcome             {@link MigrationPhase#COMPLETED}, {@link MigrationPhase#FAILED} or {@link MigrationPhase#CANCELLED}
 * @param failure             why it failed or was cancelled; empty when it completed
 * @param totalTime           from start to end
 * @param setupTime           from start to the first page sent
 * @param downtime            how long the guest was paused (source), or from the last round's start to the end (destination)
 * @param rounds              rounds run, stop-and-copy included
 * @param bytesOnWire         bytes sent (source) or received (destination)
 * @param pagesSent           pages whose content crossed the wire
 * @param zeroPages           pages sent as zero markers
 * @param pagesSkippedByHints pages never sent in a round because the guest hinted them free
 * @param hints               what hinting did
 * @param selfCheck           the destination's self-check, when the destination ran one
 * @param roundReports        each round
 */
public record MigrationReport(String migrationId, MigrationRole role, MigrationPhase outcome, String failure,
                              Duration totalTime, Duration setupTime, Duration downtime, int rounds,
                              long bytesOnWire, long pagesSent, long zeroPages, long pagesSkippedByHints,
                              HintReport hints, SelfCheckResult selfCheck, List<RoundReport> roundReports) {

    public MigrationReport {
        roundReports = List.copyOf(roundReports);
        failure = failure == null ? "" : failure;
        if (!outcome.isFinal()) {
            throw new IllegalArgumentException("a report needs a final outcome, not " + outcome);
        }
    }

    /** Completed, and (when a self-check ran) the guest passed it. */
    public boolean succeeded() {
        return outcome == MigrationPhase.COMPLETED && (selfCheck == null || selfCheck.passed());
    }
}
