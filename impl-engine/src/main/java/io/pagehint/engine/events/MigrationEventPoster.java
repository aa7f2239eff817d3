package io.pagehint.engine.events;

import static io.pagehint.engine.events.MigrationTopics.*;

import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationListener;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;

/**
 * Posts every migration's lifecycle and progress to the OSGi EventAdmin ({@link MigrationTopics}),
 * when there is one: without it, this does nothing. A migration's events are posted from its own
 * thread, so EventAdmin delivers them in order.
 */
public final class MigrationEventPoster implements MigrationListener {

    /** Where a migration was at its last event: a change of phase or round gets its own topic. */
    private record Seen(MigrationPhase phase, int round) {
    }

    /**
     * One end of a migration. Both ends carry the one migration id (STREAM.md), and a runtime that
     * is source and destination at once (a test, a loopback move) must not mix their phases.
     */
    private record End(String migrationId, MigrationRole role) {
    }

    private final Map<End, Seen> seen = new ConcurrentHashMap<>();
    private final Map<End, String> vmIds = new ConcurrentHashMap<>();
    /**
     * The ends that have posted ENDED, the newest {@link #ENDED_KEPT}: ENDED is an end's last event, and
     * a progress event that another thread (a channel's, a watchdog's) sends after it would otherwise
     * come out as a new PHASE, between or after HINTS and ENDED.
     */
    private final Set<End> ended = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<End, Boolean> eldest) {
            return size() > ENDED_KEPT;
        }
    }));
    private static final int ENDED_KEPT = 1024;
    private volatile EventAdmin eventAdmin;

    public void eventAdmin(EventAdmin admin) {
        this.eventAdmin = admin;
    }

    /** Forgets {@code admin} if it is the one in use. */
    public void eventAdminGone(EventAdmin admin) {
        if (eventAdmin == admin) {
            eventAdmin = null;
        }
    }

    /**
     * A migration's thread began.
     *
     * @param vmId    the guest's id (source), or the incoming guest's (destination)
     * @param peer    {@code destination} (source) or {@code listen} (destination), as host:port
     */
    public void started(String migrationId, MigrationRole role, String vmId, String peer) {
        seen.put(new End(migrationId, role), new Seen(null, -1));
        vmIds.put(new End(migrationId, role), vmId);
        Map<String, Object> p = common(migrationId, role);
        p.put(role == MigrationRole.SOURCE ? DESTINATION : LISTEN, peer);
        post(STARTED, p);
    }

    @Override
    public void onEvent(MigrationEvent e) {
        if (e.phase().isFinal()) {
            return; // the report says more: ended()
        }
        End end = new End(e.migrationId(), e.role());
        if (ended.contains(end)) {
            return;
        }
        Seen now = new Seen(e.phase(), e.round());
        Seen before = seen.put(end, now);
        if (before == null) {
            before = new Seen(null, 0);
        }
        boolean newPhase = before.phase() != now.phase();
        boolean newRound = before.round() != now.round() && now.round() > 0;
        if (newPhase) {
            post(PHASE, progress(e));
        }
        if (newRound) {
            post(ROUND, progress(e));
        }
        if (!newPhase && !newRound) {
            post(PROGRESS, progress(e));
        }
    }

    /** The migration ended with {@code r}: HINTS, then ENDED. */
    public void ended(MigrationReport r) {
        End end = new End(r.migrationId(), r.role());
        ended.add(end);
        seen.remove(end);
        String vmId = vmIds.remove(end);
        Map<String, Object> h = common(r.migrationId(), r.role(), vmId);
        HintReport hints = r.hints();
        h.put(TRANSPORT, hints.transport());
        h.put(NOTE, hints.note() == null ? "" : hints.note());
        h.put(REQUESTS, hints.requests());
        h.put(CHUNKS_APPLIED, hints.chunksApplied());
        h.put(CHUNKS_DROPPED, hints.chunksDropped());
        h.put(PAGES_HINTED_FREE, hints.pagesHintedFree());
        h.put(HOLE_BITS, hints.holeBits());
        h.put(PAGES_SKIPPED_BY_HINTS, r.pagesSkippedByHints());
        putMs(h, FIRST_HINT_MS, hints.firstHintLatency());
        putMs(h, READY_MS, hints.readyLatency());
        post(HINTS, h);

        Map<String, Object> p = common(r.migrationId(), r.role(), vmId);
        p.put(OUTCOME, r.outcome().name().toLowerCase());
        p.put(SUCCEEDED, r.succeeded());
        p.put(FAILURE, r.failure());
        putMs(p, TOTAL_MS, r.totalTime());
        putMs(p, SETUP_MS, r.setupTime());
        putMs(p, DOWNTIME_MS, r.downtime());
        p.put(ROUNDS, r.rounds());
        p.put(BYTES_ON_WIRE, r.bytesOnWire());
        p.put(PAGES_SENT, r.pagesSent());
        p.put(ZERO_PAGES, r.zeroPages());
        p.put(PAGES_SKIPPED_BY_HINTS, r.pagesSkippedByHints());
        if (r.selfCheck() != null && !r.selfCheck().isNotChecked()) {
            p.put(SELF_CHECK_PASSED, r.selfCheck().passed());
        }
        post(ENDED, p);
    }

    private Map<String, Object> progress(MigrationEvent e) {
        Map<String, Object> p = common(e.migrationId(), e.role(), vmIds.get(new End(e.migrationId(), e.role())));
        p.put(PHASE_NAME, e.phase().name());
        p.put(ROUND_NUMBER, e.round());
        p.put(BYTES_ON_WIRE, e.bytesOnWire());
        p.put(PAGES_SENT, e.pagesSent());
        p.put(PAGES_LEFT, e.pagesLeft());
        p.put(BYTES_PER_SECOND, e.bytesPerSecond());
        p.put(PAGES_SKIPPED_BY_HINTS, e.pagesSkippedByHints());
        p.put(MESSAGE, e.message() == null ? "" : e.message());
        p.put(EventConstants.TIMESTAMP, e.at().toEpochMilli());
        return p;
    }

    private Map<String, Object> common(String migrationId, MigrationRole role) {
        return common(migrationId, role, vmIds.get(new End(migrationId, role)));
    }

    private static Map<String, Object> common(String migrationId, MigrationRole role, String vmId) {
        Map<String, Object> p = new HashMap<>();
        p.put(MIGRATION_ID, migrationId);
        p.put(ROLE, role.name().toLowerCase());
        if (vmId != null) {
            p.put(VM_ID, vmId);
        }
        p.putIfAbsent(EventConstants.TIMESTAMP, System.currentTimeMillis());
        return p;
    }

    private static void putMs(Map<String, Object> p, String key, Duration d) {
        if (d != null) {
            p.put(key, d.toNanos() / 1e6);
        }
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }
}
