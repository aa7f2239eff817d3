package io.pagehint.runtime.migration;

import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on a terminal: one line rewritten in place while a migration runs, a new line at each
 * phase change. Without a terminal (a log file, a pipe) it prints only the phase changes.
 */
public final class ProgressLine implements MigrationListener {

    private final PrintWriter out;
    private final boolean terminal;
    private String lastPhase = "";
    private boolean silent;

    /** Prints nothing more: the command says itself how the migration ended. */
    public synchronized void silence() {
        if (terminal && !lastPhase.isEmpty()) {
            out.println();
            out.flush();
        }
        silent = true;
    }

    public ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void onEvent(MigrationEvent e) {
        if (silent) {
            return;
        }
        boolean newPhase = !e.phase().name().equals(lastPhase);
        String line = String.format(Locale.ROOT, "%-13s round %2d  %10s  %8.1f MiB/s  pages sent %9d  left %9s  skipped %9d  %s",
                e.phase(), e.round(), ReportText.bytes(e.bytesOnWire()), e.bytesPerSecond() / 1048576.0, e.pagesSent(),
                e.pagesLeft() < 0 ? "-" : Long.toString(e.pagesLeft()), e.pagesSkippedByHints(), e.message());
        if (terminal) {
            out.print((newPhase && !lastPhase.isEmpty() ? "\n" : "\r") + line + "\033[K");
            if (e.phase().isFinal()) {
                out.println();
            }
        } else if (newPhase) {
            out.println(line);
        }
        lastPhase = e.phase().name();
        out.flush();
    }
}
