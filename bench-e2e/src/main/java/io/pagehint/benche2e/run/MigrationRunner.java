package io.pagehint.benche2e.run;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationListener;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.benche2e.MigrationLab;
import io.pagehint.reference.control.GuestStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Runs one benchmark migration the way {@code pagehint demo} does, three processes over loopback
 * TCP: a fresh guest process in the scenario's state, a fresh destination process, this runtime as
 * the source. Around the migration it measures what the engine's report does not say: the source's
 * CPU time, the destination's peak resident set, the memory both guest RAM files hold, and the
 * guest workload's throughput while it was migrated. The run's RAM files are deleted afterwards;
 * its logs stay in the work folder.
 */
final class MigrationRunner {

    private static final Duration SETTLE = Duration.ofMinutes(15);
    private static final Duration QUIET_LIMIT = Duration.ofSeconds(10);

    private final MigrationLab lab;
    private final PrintWriter err;
    private final MigrationService engine;
    private final BenchSettings settings;
    private final Path work;
    /** The TLS credentials of the TLS cells, or null. */
    private final BenchCredentials.Folders tls;

    MigrationRunner(MigrationLab lab, PrintWriter err, MigrationService engine, BenchSettings settings) {
        this(lab, err, engine, settings, null);
    }

    MigrationRunner(MigrationLab lab, PrintWriter err, MigrationService engine, BenchSettings settings, BenchCredentials.Folders tls) {
        this.tls = tls;
        this.lab = lab;
        this.err = err;
        this.engine = engine;
        this.settings = settings;
        this.work = lab.work();
    }

    /**
     * Runs one migration; a run that breaks is recorded as failed, with why. Its processes' files
     * are named after {@code name}, which must be short: UNIX socket paths are at most 107 bytes.
     */
    RunRecord run(String name, Cell cell, Variant variant, int repetition, Duration churnWarmUp) throws InterruptedException {
        try {
            return measure(cell, variant, repetition, name, churnWarmUp);
        } catch (IOException | RuntimeException | TimeoutException e) {
            return failed(cell, variant, repetition, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            deleteRamFiles(name);
        }
    }

    private RunRecord measure(Cell cell, Variant variant, int repetition, String name, Duration churnWarmUp)
            throws IOException, InterruptedException, TimeoutException {
        String channel = variant.hints() ? cell.channelName() : null;
        try (MigrationLab.Guest guest = lab.startGuest(name + "-guest", settings.machine(), channel, guestArgs(cell),
                settings.childJvmArgs());
             MigrationLab.Destination destination = lab.startDestination(name + "-destination", settings.machine(),
                     settings.childJvmArgs(), cell.transport().tls()
                             ? List.of("--tls-creds", tls.destination().toString()) : List.of())) {
            guest.awaitSettled(SETTLE);
            if (cell.scenario() == Scenario.CHURN) {
                // the load must be under way, page cache and all, as a compile is when its guest is migrated
                Thread.sleep(churnWarmUp.toMillis());
            }
            long guestPid = guest.pid();
            long destinationPid = destination.pid();
            // a churning guest is busy by design; the destination must still be done starting up
            Duration quiet = cell.scenario() == Scenario.CHURN ? QuietProcesses.await(QUIET_LIMIT, destinationPid)
                    : QuietProcesses.await(QUIET_LIMIT, guestPid, destinationPid);
            if (quiet.isNegative()) {
                err.print(" (guest or destination still busy after " + QUIET_LIMIT.toSeconds() + " s)");
            }
            try (MigrationLab.Attachment attached = guest.attach();
                 PeakRss destinationRss = new PeakRss(destinationPid)) {
                MigrationOptions options = MigrationOptions.builder().useHints(channel != null)
                        .hintTransport(attached.hintTransport()).dropPageCache(variant.dropCache())
                        .tlsCredentials(cell.transport().tls() ? tls.source() : null)
                        .streams(cell.transport().streams()).build();
                long guestRam = ProcStats.allocatedBytes(guest.ramFile());
                GuestStatus before = guest.status();
                SentAll sentAll = new SentAll(destinationPid);
                double destinationCpu0 = ProcStats.cpuSeconds(destinationPid);
                long cpu0 = cpuNanos();
                long t0 = System.nanoTime();
                MigrationReport report = engine.migrate(attached.vm(), destination.address(), options, sentAll)
                        .await(Duration.ofHours(2));
                long cpu1 = cpuNanos();
                long peakRss = destinationRss.peak();
                GuestStatus after = guest.status();
                int destinationExit = destination.await(Duration.ofMinutes(10));
                JsonObject destinationReport = destination.report();
                long destinationRam = ProcStats.allocatedBytes(destination.ramFile());

                double migrationMs = sentAll.at < 0 ? report.totalTime().toNanos() / 1e6 : (sentAll.at - t0) / 1e6;
                double downtimeMs = ms(report.downtime());
                double runningSeconds = Math.max(1e-3, (migrationMs - downtimeMs) / 1000.0);
                JsonObject destCheck = destinationReport == null ? null : object(destinationReport.get("selfCheck"));
                boolean checkPassed = destCheck != null && destCheck.get("passed").getAsBoolean();
                boolean ok = report.succeeded() && destinationExit == 0 && checkPassed;
                String failure = ok ? "" : (report.failure().isEmpty() ? "" : report.failure() + "; ")
                        + "destination exit " + destinationExit + (checkPassed ? "" : ", self-check did not pass");
                long pageSize = Math.max(1, before.pageSize());
                return new RunRecord(cell, variant, repetition, ok, failure,
                        ms(report.totalTime()), migrationMs,
                        destCheck == null ? -1 : destCheck.get("tookMs").getAsDouble(),
                        ms(report.setupTime()), downtimeMs, report.rounds(), report.bytesOnWire(), report.pagesSent(),
                        report.zeroPages(), report.pagesSkippedByHints(), report.hints().pagesHintedFree(),
                        msOrNull(report.hints().firstHintLatency()), msOrNull(report.hints().readyLatency()),
                        report.hints().transport(), report.hints().note(), (cpu1 - cpu0) / 1e9,
                        sentAll.destinationCpu < 0 || destinationCpu0 < 0 ? -1 : sentAll.destinationCpu - destinationCpu0, peakRss,
                        destinationRss.base(), destinationRam,
                        settings.machine().ramBytes() - before.freePages() * pageSize, guestRam,
                        (after.operations() - before.operations()) / runningSeconds,
                        checkPassed, destCheck == null ? -1 : destCheck.get("mismatches").getAsLong(),
                        RunRecord.roundBytes(report), RunRecord.roundMs(report));
            }
        }
    }

    private List<String> guestArgs(Cell cell) {
        List<String> args = new ArrayList<>(cell.scenario().guestArgs(settings.machine().ramBytes(), settings.churnRate()));
        args.addAll(List.of("--vcpus", Integer.toString(settings.vcpus()), "--seed", Long.toString(settings.seed())));
        if (cell.initOnAlloc()) {
            args.add("--init-on-alloc");
        }
        return args;
    }

    private static RunRecord failed(Cell cell, Variant variant, int repetition, String why) {
        return new RunRecord(cell, variant, repetition, false, why, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, null, null,
                "none", "", -1, -1, -1, -1, -1, -1, -1, -1, false, -1, List.of(), List.of());
    }

    /**
     * Remembers when the source had sent everything (the engine's VERIFYING event), and the
     * destination's CPU time then, before its self-check starts.
     */
    private static final class SentAll implements MigrationListener {
        private final long destinationPid;
        volatile long at = -1;
        volatile double destinationCpu = -1;

        SentAll(long destinationPid) {
            this.destinationPid = destinationPid;
        }

        @Override
        public void onEvent(MigrationEvent e) {
            if (e.phase() == MigrationPhase.VERIFYING && at < 0) {
                at = System.nanoTime();
                destinationCpu = ProcStats.cpuSeconds(destinationPid);
            }
        }
    }

    /** CPU time of this process (all threads: the engine, the channels' host ends). */
    static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private void deleteRamFiles(String name) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(work, name + "-*.{ram,dirty}")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            err.println("could not delete the RAM files of " + name + ": " + e.getMessage());
        }
    }

    private static JsonObject object(JsonElement e) {
        return e == null || !e.isJsonObject() ? null : e.getAsJsonObject();
    }

    private static double ms(Duration d) {
        return d == null ? -1 : d.toNanos() / 1e6;
    }

    private static Double msOrNull(Duration d) {
        return d == null ? null : d.toNanos() / 1e6;
    }
}
