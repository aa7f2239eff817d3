package io.pagehint.engine.report;

import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What both ends of a migration share: identity, phase, cancel, progress events at a bounded
 * rate, the result, and blocking calls bounded by a timeout.
 */
public abstract class MigrationBase implements Migration {

    private volatile String id;
    private final MigrationRole role;
    private final Events events;
    private final long eventIntervalNanos;
    private volatile long startNanos = System.nanoTime();
    private final CompletableFuture<MigrationReport> result = new CompletableFuture<>();
    private volatile MigrationPhase phase = MigrationPhase.SETUP;
    private volatile String cancelReason;
    private long lastEventNanos;
    private long rateBytes;
    private long rateNanos = startNanos;
    private double rate;

    protected MigrationBase(String id, MigrationRole role, Events events, Duration eventInterval) {
        this.id = id;
        this.role = role;
        this.events = events;
        this.eventIntervalNanos = eventInterval.toNanos();
    }

    @Override
    public String id() {
        return id;
    }

    /**
     * Takes the id the other end gave the migration (a destination's, from the stream header), so
     * both ends' events and reports of one migration carry one id.
     */
    protected void adoptId(String migrationId) {
        this.id = migrationId;
    }

    /**
     * Sends the events held while the id was unknown, after the announcement (see {@link Events}).
     * A destination calls it once it has answered the source: announcing (a log line, EventAdmin, the
     * listeners, classes loaded for the first time in a fresh process) is not the source's wait.
     */
    protected void releaseEvents() {
        events.release(id);
    }

    @Override
    public MigrationRole role() {
        return role;
    }

    @Override
    public MigrationPhase phase() {
        return phase;
    }

    @Override
    public void cancel() {
        if (phase.isFinal() || cancelReason != null) {
            return;
        }
        cancelReason = "cancelled by the user";
        onCancel();
    }

    /** Unblocks whatever the migration waits on, so it sees the cancel. */
    protected abstract void onCancel();

    protected boolean cancelRequested() {
        return cancelReason != null;
    }

    protected String cancelReason() {
        return cancelReason;
    }

    @Override
    public CompletionStage<MigrationReport> result() {
        return result.minimalCompletionStage();
    }

    @Override
    public MigrationReport await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a migration always completes with a report", e.getCause());
        }
    }

    protected void complete(MigrationReport report) {
        events.release(id); // a destination that ended before it answered a source: under the id it has
        phase = report.outcome();
        events.send(progress(report.outcome() + (report.failure().isEmpty() ? "" : ": " + report.failure())));
        result.complete(report);
    }

    protected long startNanos() {
        return startNanos;
    }

    /** Starts the migration's clock again: a destination's migration begins when a source connects, not when it listens. */
    protected void restartClock() {
        startNanos = System.nanoTime();
    }

    protected Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Enters a phase and says so. */
    protected void phase(MigrationPhase p, String message) {
        phase = p;
        event(message);
    }

    protected void event(String message) {
        lastEventNanos = System.nanoTime();
        events.send(progress(message));
    }

    /** Sends a progress event if the last one is older than the event interval. */
    protected void tick() {
        if (System.nanoTime() - lastEventNanos >= eventIntervalNanos) {
            event("");
        }
    }

    /** The rate on the wire over the last event interval or so, bytes per second. */
    protected double rate(long bytesNow) {
        long now = System.nanoTime();
        if (now - rateNanos >= eventIntervalNanos) {
            rate = (bytesNow - rateBytes) * 1e9 / (now - rateNanos);
            rateBytes = bytesNow;
            rateNanos = now;
        }
        return rate;
    }

    /** The event describing where the migration is now. */
    protected abstract MigrationEvent progress(String message);

    /** Runs {@code task} after {@code delay} unless the migration has ended by then. */
    protected void scheduleIfNotDone(Duration delay, Runnable task) {
        CompletableFuture.runAsync(() -> {
            if (!result.isDone()) {
                task.run();
            }
        }, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** A blocking call on a channel. */
    @FunctionalInterface
    protected interface Blocking<T> {
        T call() throws IOException;
    }

    /** Runs a blocking call on {@code channel}; closes the channel if it takes longer than {@code timeout}. */
    protected <T> T withTimeout(Duration timeout, Blocking<T> call, Closeable channel) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean[] fired = new boolean[1];
        CompletableFuture.runAsync(() -> {
            if (!done.isDone()) {
                synchronized (fired) {
                    fired[0] = true;
                }
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing is the whole point
                }
            }
        }, CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
        try {
            return call.call();
        } catch (IOException e) {
            synchronized (fired) {
                if (fired[0]) {
                    throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
                }
            }
            throw e;
        } finally {
            done.complete(null);
        }
    }

    /** Closes a socket (or anything) if there is one, ignoring failure: used on the way out. */
    protected static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing on the way out: nothing more to do
            }
        }
    }

    /** A one-line description of a failure, for reports. */
    protected static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
