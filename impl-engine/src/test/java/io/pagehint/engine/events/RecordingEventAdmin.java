package io.pagehint.engine.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** An EventAdmin that keeps what it is given; the engine posts, so a {@code sendEvent} is a test failure. */
public final class RecordingEventAdmin implements EventAdmin {

    public final List<Event> posted = new CopyOnWriteArrayList<>();

    @Override
    public void postEvent(Event event) {
        posted.add(event);
    }

    @Override
    public void sendEvent(Event event) {
        throw new AssertionError("the engine posts; it never waits for handlers");
    }
}
