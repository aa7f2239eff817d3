package io.pagehint.guest.vcpu;

/**
 * Spaces a vCPU's operations to a rate: after each operation, how long to wait before the next.
 * A vCPU that fell behind (paused, throttled) catches up by at most {@link #MAX_CATCH_UP_NANOS}
 * worth of operations, not by a burst as long as the pause.
 */
final class Pacer {

    static final long MAX_CATCH_UP_NANOS = 100_000_000L;

    private final long intervalNanos;
    private long due = Long.MIN_VALUE;

    /** {@code perSecond} operations a second; 0 or less for no limit. */
    Pacer(double perSecond) {
        this.intervalNanos = perSecond > 0 ? Math.max(1, (long) (1e9 / perSecond)) : 0;
    }

    /** Call after an operation; returns the nanoseconds to wait (0 for none). */
    long next() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = System.nanoTime();
        if (due == Long.MIN_VALUE || due < now - MAX_CATCH_UP_NANOS) {
            due = now;
        }
        due += intervalNanos;
        return Math.max(0, due - now);
    }
}
