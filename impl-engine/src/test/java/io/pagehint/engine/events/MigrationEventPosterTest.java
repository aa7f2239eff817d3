package io.pagehint.engine.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationEvent;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class MigrationEventPosterTest {

    private static final String ID = "m1";

    private static MigrationEvent event(MigrationPhase phase, int round, long skipped) {
        return new MigrationEvent(ID, MigrationRole.SOURCE, phase, round, 4096L * round, round, 10, 1e6, skipped,
                Instant.ofEpochMilli(1_000 + round), "");
    }

    private static MigrationReport report() {
        return new MigrationReport(ID, MigrationRole.SOURCE, MigrationPhase.COMPLETED, "", Duration.ofMillis(500),
                Duration.ofMillis(20), Duration.ofNanos(3_100_000), 3, 123_456, 30, 5, 64_000,
                new HintReport("virtio-serial", "", 2, 7, 1, 64_100, 12, Duration.ofMillis(4), null), null, List.of());
    }

    @Test
    void aPhaseOrRoundChangeGetsItsOwnTopicAndTheReportEndsIt() {
        RecordingEventAdmin admin = new RecordingEventAdmin();
        MigrationEventPoster poster = new MigrationEventPoster();
        poster.eventAdmin(admin);

        poster.started(ID, MigrationRole.SOURCE, "g1", "10.0.0.2:7070");
        poster.onEvent(event(MigrationPhase.SETUP, 0, 0));
        poster.onEvent(event(MigrationPhase.BULK, 1, 0));
        poster.onEvent(event(MigrationPhase.BULK, 1, 500));
        poster.onEvent(event(MigrationPhase.ITERATE, 2, 600));
        poster.onEvent(event(MigrationPhase.ITERATE, 3, 600));
        poster.onEvent(event(MigrationPhase.STOP_AND_COPY, 4, 600));
        poster.onEvent(event(MigrationPhase.COMPLETED, 4, 600));
        poster.ended(report());

        assertThat(admin.posted).extracting(e -> e.getTopic().substring(MigrationTopics.PREFIX.length())).containsExactly(
                "STARTED", "PHASE", "PHASE", "ROUND", "PROGRESS", "PHASE", "ROUND", "ROUND", "PHASE", "ROUND", "HINTS", "ENDED");
        assertThat(admin.posted).allSatisfy(e -> {
            assertThat(e.getProperty("migrationId")).isEqualTo(ID);
            assertThat(e.getProperty("role")).isEqualTo("source");
            assertThat(e.getProperty("vm.id")).isEqualTo("g1");
        });
        assertThat(admin.posted.get(0).getProperty("destination")).isEqualTo("10.0.0.2:7070");
        assertThat(admin.posted.get(4).getProperty("pagesSkippedByHints")).isEqualTo(500L);

        Event hints = admin.posted.get(10);
        assertThat(hints.getProperty("transport")).isEqualTo("virtio-serial");
        assertThat(hints.getProperty("pagesHintedFree")).isEqualTo(64_100L);
        assertThat(hints.getProperty("firstHintMs")).isEqualTo(4.0);
        assertThat(hints.containsProperty("readyMs")).as("no READY, no property").isFalse();

        Event ended = admin.posted.get(11);
        assertThat(ended.getProperty("outcome")).isEqualTo("completed");
        assertThat(ended.getProperty("succeeded")).isEqualTo(true);
        assertThat(ended.getProperty("bytesOnWire")).isEqualTo(123_456L);
        assertThat(ended.getProperty("pagesSkippedByHints")).isEqualTo(64_000L);
        assertThat(ended.getProperty("downtimeMs")).isEqualTo(3.1);
        assertThat(ended.getProperty("rounds")).isEqualTo(3);
    }

    @Test
    void withoutAnEventAdminNothingIsPostedAndNothingFails() {
        RecordingEventAdmin gone = new RecordingEventAdmin();
        MigrationEventPoster poster = new MigrationEventPoster();
        poster.eventAdmin(gone);
        poster.eventAdminGone(gone);

        poster.started(ID, MigrationRole.DESTINATION, "in", "127.0.0.1:1");
        poster.onEvent(event(MigrationPhase.BULK, 1, 0));
        poster.ended(report());

        assertThat(gone.posted).isEmpty();
    }

    @Test
    void theEndLineSaysOutcomeBytesSkippedPagesAndDowntime() {
        assertThat(MigrationLog.endLine(report()))
                .isEqualTo("migration m1 ended (source): completed, 0.1 MiB on the wire, 64000 pages skipped by hints, downtime 3.1 ms");
    }

    /**
     * Both ends of one migration carry its one id; in a runtime that is source and destination at once
     * the destination's phase must not hide the source's change of phase (a VERIFYING posted as PROGRESS).
     */
    @Test
    void theTwoEndsOfOneMigrationInOneRuntimeKeepTheirOwnPhases() {
        RecordingEventAdmin admin = new RecordingEventAdmin();
        MigrationEventPoster poster = new MigrationEventPoster();
        poster.eventAdmin(admin);
        poster.started(ID, MigrationRole.SOURCE, "g1", "127.0.0.1:7070");
        poster.started(ID, MigrationRole.DESTINATION, "in", "127.0.0.1:7070");

        poster.onEvent(end(MigrationRole.SOURCE, MigrationPhase.STOP_AND_COPY));
        poster.onEvent(end(MigrationRole.DESTINATION, MigrationPhase.VERIFYING));
        poster.onEvent(end(MigrationRole.SOURCE, MigrationPhase.VERIFYING));

        assertThat(admin.posted).filteredOn(e -> "source".equals(e.getProperty("role")))
                .extracting(e -> e.getTopic().substring(MigrationTopics.PREFIX.length()) + " " + e.getProperty("phase"))
                .containsExactly("STARTED null", "PHASE STOP_AND_COPY", "ROUND STOP_AND_COPY", "PHASE VERIFYING");
        assertThat(admin.posted).filteredOn(e -> "destination".equals(e.getProperty("role")))
                .allSatisfy(e -> assertThat(e.getProperty("vm.id")).isEqualTo("in"));
    }

    /** ENDED is an end's last event: progress another thread sends after it is not posted. */
    @Test
    void nothingOfAnEndIsPostedAfterItsEnded() {
        RecordingEventAdmin admin = new RecordingEventAdmin();
        MigrationEventPoster poster = new MigrationEventPoster();
        poster.eventAdmin(admin);
        poster.started(ID, MigrationRole.SOURCE, "g1", "127.0.0.1:7070");
        poster.onEvent(end(MigrationRole.SOURCE, MigrationPhase.VERIFYING));
        poster.ended(report());

        poster.onEvent(end(MigrationRole.SOURCE, MigrationPhase.VERIFYING));

        assertThat(admin.posted).extracting(e -> e.getTopic().substring(MigrationTopics.PREFIX.length()))
                .containsExactly("STARTED", "PHASE", "ROUND", "HINTS", "ENDED");
    }

    private static MigrationEvent end(MigrationRole role, MigrationPhase phase) {
        return new MigrationEvent(ID, role, phase, 1, 4096L, 1, 10, 1e6, 0, Instant.ofEpochMilli(1_000), "");
    }
}
