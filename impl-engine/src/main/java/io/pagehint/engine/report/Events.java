package io.pagehint.engine.report;

import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a migration's events to its own listener and to every whiteboard listener; a listener that
 * throws is logged and ignored.
 *
 * <p>A destination learns its migration's id (the source's) only from the stream header, and every
 * consumer must see one id per migration, first in STARTED. So a destination's events are held
 * until {@link #release}: then the announcement (STARTED) goes out, and the held events after it
 * under the id now known.
 */
public final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    /** Events held at most while the id is unknown (a listening destination sends one or two). */
    private static final int MAX_HELD = 16;

    private final MigrationListener own;
    private final Supplier<List<MigrationListener>> whiteboard;
    private final MigrationListener engine;
    private final List<MigrationEvent> held = new ArrayList<>();
    private boolean holding;
    private boolean releasing;
    private Runnable announcement;

    public Events(MigrationListener own, Supplier<List<MigrationListener>> whiteboard) {
        this(own, whiteboard, null);
    }

    /** @param engine the engine's own listener (its EventAdmin poster), told first; null for none */
    public Events(MigrationListener own, Supplier<List<MigrationListener>> whiteboard, MigrationListener engine) {
        this.own = own;
        this.whiteboard = whiteboard;
        this.engine = engine;
    }

    /**
     * Holds every event back until {@link #release}, which first runs {@code announcement} (the
     * engine's STARTED, under the id then known).
     */
    public synchronized void holdUntilIdKnown(Runnable announcement) {
        this.holding = true;
        this.announcement = announcement;
    }

    /**
     * The id is known (or never will be): announces, then sends what was held, under
     * {@code migrationId}. Events another thread sends meanwhile are held and sent after them, in order.
     */
    public void release(String migrationId) {
        Runnable announce;
        synchronized (this) {
            if (!holding || releasing) {
                return;
            }
            releasing = true;
            announce = announcement;
            announcement = null;
        }
        if (announce != null) {
            announce.run();
        }
        while (true) {
            List<MigrationEvent> out;
            synchronized (this) {
                if (held.isEmpty()) {
                    holding = false;
                    releasing = false;
                    return;
                }
                out = List.copyOf(held);
                held.clear();
            }
            for (MigrationEvent e : out) {
                deliverAll(new MigrationEvent(migrationId, e.role(), e.phase(), e.round(), e.bytesOnWire(), e.pagesSent(),
                        e.pagesLeft(), e.bytesPerSecond(), e.pagesSkippedByHints(), e.at(), e.message()));
            }
        }
    }

    public void send(MigrationEvent event) {
        synchronized (this) {
            if (holding) {
                if (held.size() == MAX_HELD && !releasing) {
                    held.remove(0);
                }
                held.add(event);
                return;
            }
        }
        deliverAll(event);
    }

    private void deliverAll(MigrationEvent event) {
        if (engine != null) {
            deliver(engine, event);
        }
        if (own != null) {
            deliver(own, event);
        }
        for (MigrationListener l : whiteboard.get()) {
            deliver(l, event);
        }
    }

    private static void deliver(MigrationListener l, MigrationEvent e) {
        try {
            l.onEvent(e);
        } catch (RuntimeException ex) {
            LOG.warn("migration listener {} threw on {}", l, e.phase(), ex);
        }
    }
}
