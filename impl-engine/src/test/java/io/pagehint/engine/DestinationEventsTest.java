package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.testing.Await;
import io.pagehint.engine.events.RecordingEventAdmin;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyIncomingVm;
import io.pagehint.engine.toy.ToyLayouts;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * A destination's events carry one id, the source's, from STARTED to ENDED (docs/EVENTS.md), though
 * it learns that id only from the stream header, after it began listening.
 */
class DestinationEventsTest {

    private final MigrationHarness harness = new MigrationHarness();

    @Test
    void everyEventOfADestinationCarriesTheSourcesIdStartingWithStarted() throws Exception {
        RecordingEventAdmin admin = new RecordingEventAdmin();
        harness.destination.setEventAdmin(admin);
        try (ToyGuest guest = new ToyGuest("one-id", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.3))) {
            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.builder().useHints(false).build());
            assertThat(run.source().outcome()).as(run.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
            String id = run.source().migrationId();
            assertThat(run.destination().migrationId()).isEqualTo(id);

            Await.until(MigrationHarness.TIMEOUT, "the destination's ENDED",
                    () -> admin.posted.stream().anyMatch(e -> e.getTopic().endsWith("/ENDED")));
            assertThat(admin.posted).as("the destination's events").isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getProperty("migrationId")).as(e.getTopic()).isEqualTo(id));
            assertThat(admin.posted.get(0).getTopic()).isEqualTo("io/pagehint/migration/STARTED");
            assertThat(admin.posted.get(0).getProperty("listen")).asString().startsWith("127.0.0.1:");
            assertThat(admin.posted.get(admin.posted.size() - 1).getTopic()).isEqualTo("io/pagehint/migration/ENDED");
        }
    }

    @Test
    void aDestinationThatEndsBeforeAnySourceStillStartsAndEndsUnderOneId() throws Exception {
        RecordingEventAdmin admin = new RecordingEventAdmin();
        harness.destination.setEventAdmin(admin);
        try (ToyGuest guest = new ToyGuest("no-source", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            IncomingMigration in = harness.destination.receive(new InetSocketAddress("127.0.0.1", 0), new ToyIncomingVm(guest), null);
            in.cancel();
            MigrationReport r = in.await(MigrationHarness.TIMEOUT);
            assertThat(r.outcome()).isEqualTo(MigrationPhase.CANCELLED);

            Await.until(MigrationHarness.TIMEOUT, "ENDED", () -> admin.posted.stream().anyMatch(e -> e.getTopic().endsWith("/ENDED")));
            assertThat(admin.posted.get(0).getTopic()).isEqualTo("io/pagehint/migration/STARTED");
            assertThat(admin.posted).allSatisfy(e -> assertThat(e.getProperty("migrationId")).isEqualTo(r.migrationId()));
        }
    }
}
