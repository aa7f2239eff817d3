package io.pagehint.benche2e.run;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The results for people: per cell, the medians of each variant and the hinted/legacy ratios of pairs; then the targets. */
final class BenchTable {

    private static final List<Metric> COLUMNS = List.of(Metric.MIGRATION_MS, Metric.DOWNTIME_MS, Metric.ROUNDS,
            Metric.BYTES_ON_WIRE, Metric.PAGES_SENT, Metric.ZERO_PAGES, Metric.PAGES_SKIPPED, Metric.FIRST_HINT_MS,
            Metric.HINT_READY_MS, Metric.SOURCE_CPU_S, Metric.DESTINATION_CPU_S, Metric.DESTINATION_PEAK_RSS,
            Metric.GUEST_OPS_PER_S);
    private static final List<Metric> RATIOS = List.of(Metric.MIGRATION_MS, Metric.BYTES_ON_WIRE, Metric.PAGES_SENT,
            Metric.SOURCE_CPU_S, Metric.DESTINATION_CPU_S, Metric.DESTINATION_PEAK_RSS, Metric.GUEST_OPS_PER_S);

    private BenchTable() {
    }

    static void print(Results results, MachineInfo machine, List<Targets.Target> targets, PrintWriter out) {
        BenchSettings s = results.settings();
        out.printf(Locale.ROOT, "pagehint bench: %s %s, %s RAM, %d vCPUs, %d pair(s) per cell; %s%n", s.machine().arch(),
                s.machine().machine(), Bytes.readable(s.machine().ramBytes()), s.vcpus(), s.repeat(), machine.summary());
        out.printf(Locale.ROOT, "physical limits: loopback TCP %s, one core scanning for zero pages %s, "
                        + "one core filling fresh memory (pwrite to a new tmpfs file) %s%n",
                Targets.gb(results.limits().loopbackBytesPerSecond()), Targets.gb(results.limits().zeroScanBytesPerSecond()),
                Targets.gb(results.limits().freshMemoryBytesPerSecond()));
        out.println("physical limits: " + pipelines(results.limits()));
        out.println("medians of the runs that succeeded; migration = request to last page sent (the destination's "
                + "self-check is not in it); ratios = median over pairs of hinted / legacy");
        String head = "%-34s %-18s %5s" + " %12s".repeat(COLUMNS.size()) + "%n";
        Object[] h = new Object[3 + COLUMNS.size()];
        h[0] = "cell";
        h[1] = "variant";
        h[2] = "ok";
        for (int i = 0; i < COLUMNS.size(); i++) {
            h[3 + i] = COLUMNS.get(i).heading();
        }
        out.println();
        out.printf(Locale.ROOT, head, h);
        for (Cell c : s.cells()) {
            for (Variant v : c.scenario().variants()) {
                List<RunRecord> runs = results.runs(c, v);
                Object[] row = new Object[3 + COLUMNS.size()];
                row[0] = v == Variant.LEGACY ? c.label() : "";
                row[1] = v.label();
                row[2] = runs.stream().filter(RunRecord::succeeded).count() + "/" + runs.size();
                for (int i = 0; i < COLUMNS.size(); i++) {
                    row[3 + i] = cell(COLUMNS.get(i), results.median(c, v, COLUMNS.get(i)));
                }
                out.printf(Locale.ROOT, head, row);
            }
            for (Variant v : c.scenario().variants()) {
                if (v == Variant.LEGACY) {
                    continue;
                }
                StringBuilder b = new StringBuilder();
                for (Metric m : RATIOS) {
                    OptionalDouble r = results.pairRatio(c, v, m);
                    b.append(String.format(Locale.ROOT, "  %s %s", m.heading(), r.isPresent() ? Targets.fmt(r.getAsDouble()) : "-"));
                }
                out.printf(Locale.ROOT, "%-34s %-18s%s%n", "", v.label() + " / legacy:", b);
            }
        }
        out.println();
        out.println("targets (issue 7; set for an 8 GiB q35 guest on the 2-core machine):");
        for (Targets.Target t : targets) {
            out.printf(Locale.ROOT, "  %-13s %-78s %-10s %s%n",
                    t.met() == null ? "not measured" : t.met() ? "met" : "MISSED", t.name(), t.limit(), t.measured());
        }
        long failed = results.runs().stream().filter(r -> !r.succeeded()).count();
        if (failed > 0) {
            out.println();
            out.println(failed + " run(s) failed:");
            results.runs().stream().filter(r -> !r.succeeded()).forEach(r -> out.println("  " + r.cell().label() + " "
                    + r.variant().label() + " #" + r.repetition() + ": " + r.failure()));
        }
        out.flush();
    }

    private static String cell(Metric m, OptionalDouble v) {
        if (v.isEmpty()) {
            return "-";
        }
        double x = v.getAsDouble();
        return switch (m) {
            case BYTES_ON_WIRE, DESTINATION_PEAK_RSS -> Bytes.readable((long) x);
            case MIGRATION_MS, DOWNTIME_MS, FIRST_HINT_MS, HINT_READY_MS -> String.format(Locale.ROOT, "%.1f ms", x);
            case SOURCE_CPU_S, DESTINATION_CPU_S -> String.format(Locale.ROOT, "%.2f s", x);
            case SENDING_RATE -> Targets.gb(x);
            default -> String.format(Locale.ROOT, "%.0f", x);
        };
    }

    /** "pipeline (loopback TCP into fresh tmpfs, guest RAM's worth): 1 stream 1.10 GB/s, 2 streams 1.60 GB/s". */
    static String pipelines(PhysicalLimits.Limits limits) {
        StringBuilder b = new StringBuilder("pipeline (loopback TCP + pwrite into a new tmpfs file, the guest's RAM):");
        limits.pipelineBytesPerSecond().forEach((n, v) -> b.append(' ').append(n).append(n == 1 ? " stream " : " streams ")
                .append(Targets.gb(v)).append(','));
        if (b.charAt(b.length() - 1) == ',') {
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }
}
