package io.pagehint.benche2e.run;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongToDoubleFunction;

/**
 * Waits until freshly started processes have stopped using CPU on their own, before a run is
 * measured. The guest and the destination are new JVMs; for a second or so after they start they
 * compile their warm-ups in the background, and on a 2-core machine that takes a core from the
 * migration being timed: request → READY of 8 GiB guests measured 4.7-47 ms over five hinted
 * runs started at once, 8-11 ms over seven started after this wait (docs/PERFORMANCE.md). A VMM
 * and a guest kernel are native code and have no such phase, so the benchmark times the steady
 * state, as a user's migration of a running guest would.
 */
final class QuietProcesses {

    /** A process counts as quiet when it used at most one clock tick of CPU in this window (5 %). */
    static final Duration WINDOW = Duration.ofMillis(200);
    static final double QUIET_CPU_SECONDS = 0.01;

    private QuietProcesses() {
    }

    /**
     * Waits until every process in {@code pids} has been quiet for one window, or {@code limit}
     * has passed.
     *
     * @return how long it waited, or a negative duration if the processes were still busy at the limit
     */
    static Duration await(Duration limit, long... pids) throws InterruptedException {
        return await(limit, ProcStats::cpuSeconds, pids);
    }

    /** {@link #await(Duration, long...)} with the CPU seconds of a process read by {@code cpuSeconds} (negative: unknown). */
    static Duration await(Duration limit, LongToDoubleFunction cpuSeconds, long... pids) throws InterruptedException {
        long start = System.nanoTime();
        double[] before = cpu(cpuSeconds, pids);
        while (true) {
            Thread.sleep(WINDOW.toMillis());
            double[] now = cpu(cpuSeconds, pids);
            boolean quiet = true;
            for (int i = 0; i < pids.length; i++) {
                quiet &= before[i] < 0 || now[i] < 0 || now[i] - before[i] <= QUIET_CPU_SECONDS;
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (quiet) {
                return waited;
            }
            if (waited.compareTo(limit) >= 0) {
                return waited.negated();
            }
            before = now;
        }
    }

    private static double[] cpu(LongToDoubleFunction cpuSeconds, long[] pids) {
        return Arrays.stream(pids).mapToDouble(cpuSeconds).toArray();
    }
}
