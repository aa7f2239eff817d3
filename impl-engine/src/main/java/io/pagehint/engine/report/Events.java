package io.pagehint.engine.report;

import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationListener;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands a migration's events to its own listener and to every whiteboard listener; a listener that throws is logged and ignored. */
public final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final MigrationListener own;
    private final Supplier<List<MigrationListener>> whiteboard;
    private final MigrationListener engine;

    public Events(MigrationListener own, Supplier<List<MigrationListener>> whiteboard) {
        this(own, whiteboard, null);
    }

    /** @param engine the engine's own listener (its EventAdmin poster), told first; null for none */
    public Events(MigrationListener own, Supplier<List<MigrationListener>> whiteboard, MigrationListener engine) {
        this.own = own;
        this.whiteboard = whiteboard;
        this.engine = engine;
    }

    public void send(MigrationEvent event) {
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
