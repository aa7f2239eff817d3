package io.pagehint.benche2e.run;

import io.pagehint.api.migration.MigrationReport;
import java.util.List;

/**
 * What one benchmark migration measured. Times in milliseconds, sizes in bytes; a value that was
 * not measured is {@code -1} (or null for the hint latencies).
 *
 * @param cell                   the scenario, channel and boot mode
 * @param variant                legacy or hinted
 * @param repetition             which pair, from 1
 * @param succeeded              the source completed, the destination exited 0 and its self-check passed
 * @param failure                why not, empty when it succeeded
 * @param totalMs                the engine's total time, which includes the destination's self-check
 * @param migrationMs            from the request to the moment the last page was sent (the engine's
 *                               VERIFYING event): what QEMU reports as total time, no self-check in it
 * @param selfCheckMs            the destination's self-check, as the destination reported it
 * @param setupMs                from the request to the first page sent
 * @param downtimeMs             how long the guest was paused
 * @param rounds                 rounds, stop-and-copy included
 * @param bytesOnWire            bytes the source sent
 * @param pagesSent              pages whose content was sent
 * @param zeroPages              pages sent as zero (or fill) markers
 * @param pagesSkippedByHints    pages not sent because the guest hinted them free
 * @param pagesHintedFree        pages the guest reported free
 * @param firstHintMs            hint request to its first chunk
 * @param hintReadyMs            hint request to READY
 * @param hintTransport          the transport used, "none" without hints
 * @param hintNote               why hints were not (fully) used
 * @param sourceCpuSeconds       CPU time of the source process (engine and channel host end) during the migration
 * @param destinationCpuSeconds  CPU time of the destination process (all its threads, its JIT too) from the request
 *                               to the last page sent
 * @param destinationPeakRss     the destination process's peak resident set (VmHWM), JVM included
 * @param destinationBaseRss     its resident set when it was listening, before the migration
 * @param destinationRamBytes    memory the destination's guest RAM file holds after the migration
 * @param guestUsedBytes         guest RAM not on the guest's free lists when the migration started
 * @param guestRamBytes          memory the source guest's RAM file held when the migration started
 * @param guestOpsPerSecond      the guest workload's operations a second while the migration ran (guest paused time excluded)
 * @param selfCheckPassed        the destination's self-check passed
 * @param selfCheckMismatches    what it found wrong
 * @param roundBytes             bytes on the wire per round, the last being stop-and-copy
 * @param roundMs                how long each round ran
 */
public record RunRecord(Cell cell, Variant variant, int repetition, boolean succeeded, String failure,
                        double totalMs, double migrationMs, double selfCheckMs, double setupMs, double downtimeMs,
                        int rounds, long bytesOnWire, long pagesSent, long zeroPages, long pagesSkippedByHints,
                        long pagesHintedFree, Double firstHintMs, Double hintReadyMs, String hintTransport, String hintNote,
                        double sourceCpuSeconds, double destinationCpuSeconds, long destinationPeakRss, long destinationBaseRss,
                        long destinationRamBytes, long guestUsedBytes, long guestRamBytes, double guestOpsPerSecond,
                        boolean selfCheckPassed, long selfCheckMismatches, List<Long> roundBytes,
                        List<Double> roundMs) {

    public RunRecord {
        roundBytes = List.copyOf(roundBytes);
        roundMs = List.copyOf(roundMs);
        failure = failure == null ? "" : failure;
    }

    /** Bytes a second on the wire while migrating (self-check excluded). */
    public double wireBytesPerSecond() {
        return migrationMs <= 0 ? 0 : bytesOnWire / (migrationMs / 1000.0);
    }

    /**
     * Bytes a second while rounds ran: what the sender achieved while it had pages to send, without
     * the setup, the wait for hints and the self-check.
     */
    public double sendingBytesPerSecond() {
        double ms = roundMs.stream().mapToDouble(Double::doubleValue).sum();
        long bytes = roundBytes.stream().mapToLong(Long::longValue).sum();
        return ms <= 0 ? 0 : bytes / (ms / 1000.0);
    }

    static List<Long> roundBytes(MigrationReport r) {
        return r.roundReports().stream().map(rr -> rr.bytesOnWire()).toList();
    }

    static List<Double> roundMs(MigrationReport r) {
        return r.roundReports().stream().map(rr -> rr.time().toNanos() / 1e6).toList();
    }
}
