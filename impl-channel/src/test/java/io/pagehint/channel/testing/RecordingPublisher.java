package io.pagehint.channel.testing;

import io.pagehint.api.hint.HintSource;
import io.pagehint.channel.osgi.HintSourcePublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Records what a channel publishes, as the service registry would see it. */
public final class RecordingPublisher implements HintSourcePublisher {

    /** One publication and whether it is still there. */
    public static final class Entry {
        public final HintSource source;
        public final Map<String, Object> properties;
        private volatile boolean withdrawn;

        Entry(HintSource source, Map<String, Object> properties) {
            this.source = source;
            this.properties = Map.copyOf(properties);
        }

        public boolean withdrawn() {
            return withdrawn;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public synchronized Publication publish(HintSource source, Map<String, Object> properties) {
        Entry e = new Entry(source, properties);
        entries.add(e);
        notifyAll();
        return () -> {
            synchronized (RecordingPublisher.this) {
                e.withdrawn = true;
                RecordingPublisher.this.notifyAll();
            }
        };
    }

    /** The published sources that have not been withdrawn. */
    public synchronized List<Entry> live() {
        return entries.stream().filter(e -> !e.withdrawn).toList();
    }

    public synchronized int publications() {
        return entries.size();
    }

    /** Waits until {@code count} sources have been published in all, and returns the latest. */
    public synchronized Entry awaitPublications(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (entries.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " publications, saw " + entries.size());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return entries.get(count - 1);
    }

    /** Waits until no source is published. */
    public synchronized void awaitNoneLive(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!live().isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("a hint source is still published");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
