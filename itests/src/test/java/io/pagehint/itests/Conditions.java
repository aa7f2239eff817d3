package io.pagehint.itests;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something the framework does asynchronously (a greedy rebind, a component activation). */
public final class Conditions {

    private Conditions() {
    }

    /**
     * Returns as soon as {@code condition} holds; fails with {@code state}'s description if it
     * does not hold within {@code timeout}.
     */
    public static void await(Duration timeout, String what, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + "; now: " + state.get());
            }
            synchronized (monitor) {
                monitor.wait(5);
            }
        }
    }
}
