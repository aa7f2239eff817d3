package io.pagehint.guest.kernel;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * What "the guest is paused" means: every thread that runs guest code (vCPUs, and drivers when they
 * call into the kernel) does so inside {@link #enter()}/{@link #exit()}; {@link #pause} closes the
 * gate and returns only when no thread is inside, so no guest write is in flight until
 * {@link #resume()}. The sections between operations are the safepoints.
 *
 * <p>Each thread has a lane holding how deep it is inside (sections nest: a vCPU inside an
 * allocation may call a driver's shrinker, which calls back into the kernel). Entering is the
 * Dekker handshake: a thread stores its lane's depth (volatile), then reads the pause flag
 * (volatile); the pauser stores the flag, then reads every lane. Volatile accesses are
 * sequentially consistent, so at least one of the two sees the other: either the thread backs
 * off, or the pauser waits for it. No lock is taken on the way in or out while the guest runs.
 */
public final class ExecutionGate {

    private final Object monitor = new Object();
    private final List<Lane> lanes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Lane> lane = ThreadLocal.withInitial(this::register);
    private volatile boolean paused;

    private static final class Lane {
        final WeakReference<Thread> thread = new WeakReference<>(Thread.currentThread());
        volatile int depth;
    }

    private Lane register() {
        lanes.removeIf(l -> l.thread.get() == null || !l.thread.get().isAlive());
        Lane l = new Lane();
        lanes.add(l);
        return l;
    }

    /** Enters guest code; waits while the guest is paused (unless this thread is already inside). */
    public void enter() {
        Lane l = lane.get();
        int d = l.depth;
        if (d > 0) {
            l.depth = d + 1;
            return;
        }
        while (true) {
            l.depth = 1;
            if (!paused) {
                return;
            }
            l.depth = 0;
            synchronized (monitor) {
                monitor.notifyAll(); // a pauser may be waiting for this lane
                while (paused) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new GuestStoppedException("interrupted while the guest is paused");
                    }
                }
            }
        }
    }

    /** Leaves guest code entered with {@link #enter()}. */
    public void exit() {
        Lane l = lane.get();
        int d = l.depth - 1;
        l.depth = d;
        if (d == 0 && paused) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    /**
     * Closes the gate and waits until no thread is inside.
     *
     * @throws TimeoutException if some thread is still inside after {@code timeout}; the gate is
     *                          then opened again
     */
    public void pause(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            paused = true;
            while (anyInside()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    paused = false;
                    monitor.notifyAll();
                    throw new TimeoutException("a guest thread stayed inside for " + timeout);
                }
                monitor.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Opens the gate. */
    public void resume() {
        synchronized (monitor) {
            paused = false;
            monitor.notifyAll();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** Whether the calling thread is inside. */
    public boolean isInside() {
        return lane.get().depth > 0;
    }

    private boolean anyInside() {
        for (Lane l : lanes) {
            if (l.depth > 0) {
                return true;
            }
        }
        return false;
    }
}
