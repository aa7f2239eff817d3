package io.pagehint.benche2e.run;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows another process's peak resident set while it runs. The kernel keeps the peak itself
 * (VmHWM); this reads it every 50 ms so the last value before the process exits is known.
 */
final class PeakRss implements AutoCloseable {

    private final long pid;
    private final long base;
    private final AtomicLong peak = new AtomicLong(-1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pagehint-bench-rss");
        t.setDaemon(true);
        return t;
    });

    PeakRss(long pid) {
        this.pid = pid;
        this.base = ProcStats.statusBytes(pid, "VmRSS");
        timer.scheduleAtFixedRate(this::sample, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** The resident set when following began. */
    long base() {
        return base;
    }

    /** The highest peak read so far, after one more reading. */
    long peak() {
        sample();
        return peak.get();
    }

    private void sample() {
        long hwm = ProcStats.statusBytes(pid, "VmHWM");
        peak.accumulateAndGet(hwm, Math::max);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
