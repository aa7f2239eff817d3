package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyLayouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whole migrations between two engines over loopback TCP, with a toy guest whose every used page is compared. */
class SourceAndDestinationTest {

    private final MigrationHarness harness = new MigrationHarness();

    @Test
    void anIdleGuestWithoutHintsArrivesWholeAndItsZeroPagesGoAsMarkers() throws Exception {
        try (ToyGuest guest = new ToyGuest("idle", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.2))) {
            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.builder().useHints(false).build());

            assertThat(run.source().outcome()).as(run.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(run.destination().outcome()).as(run.destination().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(run.destination().selfCheck().passed()).as(run.destination().selfCheck().problems().toString()).isTrue();
            long ram = guest.layout().ramPages();
            // every page went once in the bulk round: used ones as data, the never-written ones as zero markers
            assertThat(run.source().pagesSent() + run.source().zeroPages()).isGreaterThanOrEqualTo(ram);
            assertThat(run.source().zeroPages()).isGreaterThan(ram / 2);
            assertThat(run.source().pagesSkippedByHints()).isZero();
            assertThat(run.source().hints().transport()).isEqualTo("none");
            assertThat(guest.isPaused()).as("a migrated guest stays paused at the source").isTrue();
        }
    }

    @Test
    void hintsSkipFreePagesThatHoldOldDataAndTheGuestStillArrivesWhole() throws Exception {
        // a guest that used most of its memory and freed it: free pages hold old, non-zero data
        ToyGuest.Behaviour usedThenFreed = new ToyGuest.Behaviour(0, 0, 0.9, null, 5);
        long legacyBytes;
        try (ToyGuest guest = new ToyGuest("legacy", ToyLayouts.small(), usedThenFreed)) {
            freeMostPages(guest);
            MigrationHarness.Run legacy = harness.migrate(guest, MigrationOptions.builder().useHints(false).build());
            assertThat(legacy.destination().selfCheck().passed()).isTrue();
            legacyBytes = legacy.source().bytesOnWire();
        }
        try (ToyGuest guest = new ToyGuest("hinted", ToyLayouts.small(), usedThenFreed)) {
            freeMostPages(guest);
            harness.withHints(guest, 1024, Duration.ZERO);
            MigrationHarness.Run hinted = harness.migrate(guest, MigrationOptions.defaults());

            assertThat(hinted.destination().selfCheck().passed()).as(hinted.destination().selfCheck().problems().toString()).isTrue();
            assertThat(hinted.source().outcome()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(hinted.source().pagesSkippedByHints()).isGreaterThan(guest.layout().ramPages() / 2);
            assertThat(hinted.source().hints().transport()).isEqualTo("toy");
            assertThat(hinted.source().hints().chunksApplied()).isPositive();
            assertThat(hinted.source().bytesOnWire()).isLessThan(legacyBytes / 2);
        }
    }

    @Test
    void aSourceThatEndsReadyWithARemarkHasItInTheHintReportsNote() throws Exception {
        try (ToyGuest guest = new ToyGuest("remark", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.2))) {
            harness.withHints(guest, 1024, Duration.ZERO).readyRemark("the guest had no free block of its hint order");
            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.defaults());

            assertThat(run.source().outcome()).as(run.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
            assertThat(run.source().hints().note()).as("why, not an empty note")
                    .endsWith("ended READY: the guest had no free block of its hint order");
        }
    }

    @Test
    void aBusyGuestNeedsSeveralRoundsAndArrivesWhole() throws Exception {
        try (ToyGuest guest = new ToyGuest("busy", ToyLayouts.small(), ToyGuest.Behaviour.churn(2, 20, 3))) {
            harness.withHints(guest, 64, Duration.ofMillis(1));
            MigrationHarness.Run run = harness.migrate(guest,
                    MigrationOptions.builder().downtimeLimit(Duration.ofMillis(5)).maxRounds(6).build());

            assertThat(run.destination().selfCheck().passed()).as(run.destination().selfCheck().problems().toString()).isTrue();
            assertThat(run.source().rounds()).isGreaterThan(1);
            assertThat(run.source().roundReports()).hasSize(run.source().rounds());
            assertThat(guest.operations()).isPositive();
        }
    }

    @Test
    void aPoisoningGuestsSkippedPagesReadBackAsPoisonOnTheDestination() throws Exception {
        ToyGuest.Behaviour poisoning = new ToyGuest.Behaviour(1, 5, 0.3, 0xAA, 9);
        try (ToyGuest guest = new ToyGuest("poison", ToyLayouts.small(), poisoning)) {
            harness.withHints(guest, 256, Duration.ZERO);
            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.defaults());

            // the destination's check compares every free page with the poison value too
            assertThat(run.destination().selfCheck().passed()).as(run.destination().selfCheck().problems().toString()).isTrue();
            assertThat(run.source().pagesSkippedByHints()).isPositive();
            // each page counted once: a hinted page that goes as a FILL run is skipped, not also a zero page
            var bulk = run.source().roundReports().get(0);
            long guestPages = guest.layout().blocks().stream().mapToLong(b -> b.pages(4096)).sum();
            assertThat(bulk.pagesSent() + bulk.zeroPages() + bulk.pagesSkippedByHints()).isEqualTo(guestPages);
            // and both ends name the migration by one id
            assertThat(run.destination().migrationId()).isEqualTo(run.source().migrationId());
            assertThat(run.source().selfCheck().took()).as("END to RESULT, seen from the source").isPositive();
        }
    }

    @Test
    void withoutATightenerForTheGuestsArchTheMigrationGoesOnWithoutHintsAndSaysWhy() throws Exception {
        try (ToyGuest guest = new ToyGuest("no-arch", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.2))) {
            harness.source.addHintSource(new io.pagehint.engine.toy.ToyHintSource(guest, 64, Duration.ZERO),
                    java.util.Map.of("vm.id", guest.id(), "pagehint.transport", "toy"));
            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.defaults());

            assertThat(run.destination().selfCheck().passed()).isTrue();
            assertThat(run.source().hints().note()).isEqualTo("no tightener for toy/pc");
            assertThat(run.source().pagesSkippedByHints()).isZero();
        }
    }

    @Test
    void progressEventsFollowThePhases() throws Exception {
        try (ToyGuest guest = new ToyGuest("events", ToyLayouts.small(), ToyGuest.Behaviour.idle(0.1))) {
            harness.migrate(guest, MigrationOptions.builder().useHints(false).build());

            assertThat(harness.sourceEvents).extracting(e -> e.phase())
                    .contains(MigrationPhase.SETUP, MigrationPhase.BULK, MigrationPhase.STOP_AND_COPY,
                            MigrationPhase.VERIFYING, MigrationPhase.COMPLETED);
            assertThat(harness.sourceEvents.get(harness.sourceEvents.size() - 1).phase()).isEqualTo(MigrationPhase.COMPLETED);
        }
    }

    /** Frees 90% of the used pages; their old content stays, as in a real kernel. */
    private static void freeMostPages(ToyGuest guest) {
        guest.freeFraction(0.9);
    }
}
