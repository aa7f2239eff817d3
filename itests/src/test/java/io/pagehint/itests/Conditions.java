package io.pagehint.itests;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkUtil;

/** Waits for something the framework does asynchronously (a greedy rebind, a component activation). */
public final class Conditions {

    /**
     * The longest the condition goes unchecked between two framework events. Some changes announce
     * themselves with no event of their own: SCR finishes a greedy rebind on its thread after the
     * service event that caused it has been delivered, and a log line is written to a file. So the
     * condition is checked at every service and bundle event, and at least this often.
     */
    static final Duration RECHECK = Duration.ofMillis(50);

    private Conditions() {
    }

    /**
     * Returns as soon as {@code condition} holds, checked now, at every service or bundle event of
     * the framework this class runs in (outside a framework: only on the recheck interval), and at
     * least every {@link #RECHECK}; fails with {@code what} and {@code state}'s description if it
     * does not hold within {@code timeout}.
     */
    public static void await(Duration timeout, String what, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object changed = new Object();
        boolean[] signalled = new boolean[1];
        AllServiceListener onService = event -> signal(changed, signalled);
        BundleListener onBundle = event -> signal(changed, signalled);
        BundleContext context = context();
        if (context != null) {
            context.addServiceListener(onService);
            context.addBundleListener(onBundle);
        }
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + "; now: " + state.get());
                }
                synchronized (changed) {
                    if (!signalled[0]) {
                        changed.wait(Math.max(1, Math.min(RECHECK.toMillis(), left / 1_000_000)));
                    }
                    signalled[0] = false;
                }
            }
        } finally {
            if (context != null) {
                context.removeServiceListener(onService);
                context.removeBundleListener(onBundle);
            }
        }
    }

    private static void signal(Object changed, boolean[] signalled) {
        synchronized (changed) {
            signalled[0] = true;
            changed.notifyAll();
        }
    }

    /** The probe bundle's context when the test runs inside a framework, else null. */
    private static BundleContext context() {
        Bundle bundle = FrameworkUtil.getBundle(Conditions.class);
        return bundle == null ? null : bundle.getBundleContext();
    }
}
