package io.pagehint.runtime.migration;

import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.RoundReport;
import io.pagehint.api.vm.SelfCheckResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** A migration report for people: one column per migration, so reports print side by side. */
public final class ReportText {

    private ReportText() {
    }

    /** Prints one report, with its rounds. */
    public static void print(MigrationReport r, PrintWriter out) {
        printSideBySide(List.of(r.role().name().toLowerCase(Locale.ROOT)), List.of(r), out);
        if (!r.roundReports().isEmpty()) {
            out.println();
            out.printf("%6s %10s %12s %12s %12s %14s %12s%n", "round", "time", "pages sent", "zero pages",
                    "bytes", "skipped (hint)", "dirty after");
            for (RoundReport rr : r.roundReports()) {
                out.printf("%6d %10s %12d %12d %12s %14d %12d%n", rr.round(), ms(rr.time()), rr.pagesSent(),
                        rr.zeroPages(), bytes(rr.bytesOnWire()), rr.pagesSkippedByHints(), rr.dirtyPages());
            }
        }
        out.flush();
    }

    /** Prints reports in columns headed by {@code titles}. */
    public static void printSideBySide(List<String> titles, List<MigrationReport> reports, PrintWriter out) {
        String fmt = "%-26s" + " %22s".repeat(reports.size()) + "%n";
        out.printf(fmt, row("", titles, t -> t));
        out.printf(fmt, row("outcome", reports, r -> r.outcome() + (r.failure().isEmpty() ? "" : " (see below)")));
        out.printf(fmt, row("total time", reports, r -> ms(r.totalTime())));
        out.printf(fmt, row("setup time", reports, r -> ms(r.setupTime())));
        out.printf(fmt, row("downtime", reports, r -> ms(r.downtime())));
        out.printf(fmt, row("rounds", reports, r -> Integer.toString(r.rounds())));
        out.printf(fmt, row("bytes on the wire", reports, r -> bytes(r.bytesOnWire())));
        out.printf(fmt, row("pages sent", reports, r -> Long.toString(r.pagesSent())));
        out.printf(fmt, row("zero pages", reports, r -> Long.toString(r.zeroPages())));
        out.printf(fmt, row("pages skipped by hints", reports, r -> Long.toString(r.pagesSkippedByHints())));
        out.printf(fmt, row("hint transport", reports, r -> r.hints().transport()));
        out.printf(fmt, row("hint: request -> 1st", reports, r -> ms(r.hints().firstHintLatency())));
        out.printf(fmt, row("hint: request -> READY", reports, r -> ms(r.hints().readyLatency())));
        out.printf(fmt, row("hint: stale msgs dropped", reports, r -> Long.toString(r.hints().staleMessagesDropped())));
        out.printf(fmt, row("self-check", reports, r -> selfCheck(r.selfCheck())));
        for (int i = 0; i < reports.size(); i++) {
            MigrationReport r = reports.get(i);
            String prefix = reports.size() > 1 ? titles.get(i) + ": " : "";
            if (!r.failure().isEmpty()) {
                out.println(prefix + "failure: " + r.failure());
            }
            HintReport h = r.hints();
            if (!h.note().isEmpty()) {
                out.println(prefix + "hints: " + h.note());
            }
        }
        out.flush();
    }

    private static <T> Object[] row(String label, List<T> items, Function<T, String> cell) {
        Object[] row = new Object[items.size() + 1];
        row[0] = label;
        for (int i = 0; i < items.size(); i++) {
            row[i + 1] = cell.apply(items.get(i));
        }
        return row;
    }

    private static String selfCheck(SelfCheckResult s) {
        if (s == null) {
            return "-";
        }
        if (s.isNotChecked()) {
            return "not checked";
        }
        return (s.passed() ? "passed, " : "FAILED, " + s.mismatches() + " mismatches, ") + s.pagesChecked() + " pages"
                + (s.hintPagesHeld() == 0 ? "" : ", " + s.hintPagesHeld() + " hinted pages handed back to the guest when it is taken up");
    }

    static String ms(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    /** A byte count for people: B, KiB, MiB or GiB. */
    public static String bytes(long b) {
        if (b < 10L << 10) {
            return b + " B";
        }
        if (b < 10L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 10L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / 1073741824.0);
    }
}
