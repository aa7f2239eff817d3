package io.pagehint.guest.vcpu;

/**
 * Auto-converge's CPU throttle, as QEMU does it (system/cpu-throttle.c, formerly softmmu/, {@code cpu_throttle_thread}):
 * a vCPU throttled by {@code p} percent sleeps {@code p / (100 - p)} times each 10 ms timeslice it
 * ran, so it runs {@code 100 - p} percent of the time. The sleep happens at a safepoint.
 */
final class Throttle {

    static final long TIMESLICE_NANOS = 10_000_000L;

    private volatile int percent;

    void set(int percent) {
        if (percent < 0 || percent > 99) {
            throw new IllegalArgumentException("throttle is 0..99 percent: " + percent);
        }
        this.percent = percent;
    }

    int percent() {
        return percent;
    }

    /** Given how long a vCPU has run since it last slept, how long it must sleep now (0: not yet). */
    long sleepAfter(long ranNanos) {
        int p = percent;
        if (p == 0 || ranNanos < TIMESLICE_NANOS) {
            return 0;
        }
        return ranNanos * p / (100 - p);
    }
}
