package io.pagehint.benche2e.run;

import com.google.gson.JsonObject;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.benche2e.BenchOutcome;
import io.pagehint.benche2e.MigrationLab;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code pagehint bench} invocation: warms the source up, measures the physical limits, runs
 * every cell's pairs (legacy then hinted, repetition after repetition, so a change in the
 * machine's load hits both runs of a pair alike), and reports.
 */
public final class Bench {

    /** Hinted warm-up migrations per channel: enough for the source's JIT to compile the hint path. */
    private static final int WARM_UP_HINTED_RUNS = 3;

    private static final int LIMIT_MEASUREMENTS = 3;
    private static final long MAX_FRESH_FILL = 2L << 30;

    private final MigrationLab lab;
    private final PrintWriter err;
    private final MigrationService engine;
    private final BenchSettings settings;
    private final Duration churnWarmUp;

    public Bench(MigrationLab lab, PrintWriter err, MigrationService engine, BenchSettings settings, Duration churnWarmUp) {
        this.lab = lab;
        this.err = err;
        this.engine = engine;
        this.settings = settings;
        this.churnWarmUp = churnWarmUp;
    }

    /** What an invocation produced: the results, the machine, the targets judged on them. */
    public record Outcome(Results results, MachineInfo machine, List<Targets.Target> targets) implements BenchOutcome {

        @Override
        public boolean allSucceeded() {
            return results.runs().stream().allMatch(RunRecord::succeeded);
        }

        @Override
        public JsonObject json() {
            return BenchJson.of(results, machine, targets);
        }

        @Override
        public void printTable(PrintWriter out) {
            BenchTable.print(results, machine, targets, out);
        }

        @Override
        public void writeChart(Path png) throws IOException {
            BenchChart.write(results, results.settings().machine().machine() + ", "
                    + Bytes.readable(results.settings().machine().ramBytes()) + " RAM; " + machine.summary(), png);
        }
    }

    private static void warmUp(MigrationRunner warm, Cell cell, Variant variant, PrintWriter err) throws InterruptedException {
        RunRecord r = warm.run("w-" + variant.label(), cell, variant, 0, Duration.ZERO);
        if (!r.succeeded()) {
            err.println("warm-up " + cell.label() + " " + variant.label() + " failed: " + r.failure());
        }
    }

    public Outcome run() throws IOException, InterruptedException {
        Path work = lab.work();
        MachineInfo machine = MachineInfo.now();
        if (settings.warmUp()) {
            // idle guests of the measured size: the source's paths then meet the same piece sizes as
            // in the measured runs; a few hinted runs per channel, so its JIT has compiled them
            err.println("warming up: idle migrations of the same size, not recorded");
            err.flush();
            BenchSettings idle = new BenchSettings(settings.machine(), List.of(Scenario.IDLE), settings.channels(), settings.allChannels(), false, 1, 1,
                    settings.seed(), settings.churnRate(), false, settings.workDir(), settings.childJvmArgs(),
                    List.of(Transport.PLAIN));
            MigrationRunner warm = new MigrationRunner(lab, err, engine, idle);
            List<Cell> cells = idle.cells();
            warmUp(warm, cells.get(0), Variant.LEGACY, err);
            for (Cell c : cells) {
                for (int i = 0; i < WARM_UP_HINTED_RUNS; i++) {
                    warmUp(warm, c, Variant.HINTED, err);
                }
            }
        }
        PhysicalLimits.Limits limits = limits(settings.machine().ramBytes(), work, settings.streamCounts());
        err.printf(Locale.ROOT, "limits: loopback TCP %s, zero scan %s, fresh memory %s, %s%n",
                Targets.gb(limits.loopbackBytesPerSecond()), Targets.gb(limits.zeroScanBytesPerSecond()),
                Targets.gb(limits.freshMemoryBytesPerSecond()), BenchTable.pipelines(limits));
        BenchCredentials.Folders tls = settings.anyTls() ? BenchCredentials.create(work) : null;
        MigrationRunner runner = new MigrationRunner(lab, err, engine, settings, tls);
        List<RunRecord> runs = new ArrayList<>();
        for (Cell c : settings.cells()) {
            for (int rep = 1; rep <= settings.repeat(); rep++) {
                for (Variant v : c.scenario().variants()) {
                    String name = "r" + (runs.size() + 1);
                    err.printf(Locale.ROOT, "%s: %s %s #%d ...", name, c.label(), v.label(), rep);
                    err.flush();
                    RunRecord r = runner.run(name, c, v, rep, churnWarmUp);
                    runs.add(r);
                    err.println(r.succeeded() ? String.format(Locale.ROOT, " %.1f ms, %s, %d skipped", r.migrationMs(),
                            Bytes.readable(r.bytesOnWire()), r.pagesSkippedByHints()) : " FAILED: " + r.failure());
                    err.flush();
                }
            }
        }
        Results results = new Results(settings, limits, runs);
        return new Outcome(results, machine.finished(), Targets.judge(results));
    }

    /**
     * The median of a few measurements of the loopback and zero-scan limits, each moving (and
     * scanning) {@code bytes}, and one fill of fresh memory of {@code bytes} (at most 2 GiB) in
     * the work folder.
     */
    private static PhysicalLimits.Limits limits(long bytes, Path work, List<Integer> streamCounts)
            throws IOException, InterruptedException {
        double[] loopback = new double[LIMIT_MEASUREMENTS];
        double[] scan = new double[LIMIT_MEASUREMENTS];
        for (int i = 0; i < LIMIT_MEASUREMENTS; i++) {
            loopback[i] = PhysicalLimits.loopback(bytes);
            scan[i] = PhysicalLimits.zeroScan(bytes);
        }
        // the pipeline moves the guest's whole RAM (not a sample): at 1 stream and at each count asked for
        java.util.SortedMap<Integer, Double> pipeline = new java.util.TreeMap<>();
        java.util.Set<Integer> counts = new java.util.TreeSet<>(streamCounts);
        counts.add(1);
        for (int n : counts) {
            double[] p = new double[LIMIT_MEASUREMENTS];
            for (int i = 0; i < LIMIT_MEASUREMENTS; i++) {
                p[i] = PhysicalLimits.pipeline(work, bytes, n);
            }
            pipeline.put(n, Results.median(p).orElseThrow());
        }
        return new PhysicalLimits.Limits(Results.median(loopback).orElseThrow(), Results.median(scan).orElseThrow(),
                PhysicalLimits.freshMemory(work, Math.min(bytes, MAX_FRESH_FILL)), pipeline);
    }
}
