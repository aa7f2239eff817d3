package io.pagehint.api.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The tests' one wait for a condition that nothing signals: another process's counters, a thread's
 * state, a guest's progress. It checks the condition, then again after 1, 2, 4 ... ms (never more than
 * {@link #MAX_INTERVAL} apart) until it holds; when {@code timeout} passes first it fails with what
 * it waited for and the state at that moment. Where something does signal — a latch, a future, a
 * monitor, a framework event — wait on that instead.
 */
public final class Await {

    /** The longest a condition goes unchecked while it is awaited. */
    public static final Duration MAX_INTERVAL = Duration.ofMillis(20);

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not within {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, what, condition, () -> "not yet");
    }

    /**
     * Returns once {@code condition} holds; fails naming {@code what} and {@code state} if it does not
     * within {@code timeout}, or if the waiting thread is interrupted (its flag is kept).
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = 1;
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + "; now: " + state.get());
            }
            try {
                Thread.sleep(Math.min(interval, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            interval = Math.min(interval * 2, MAX_INTERVAL.toMillis());
        }
    }
}
