package io.pagehint.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.engine.toy.ToyGuest;
import io.pagehint.engine.toy.ToyHintSource;
import io.pagehint.engine.toy.ToyLayouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A guest that answers late: the hint report counts the messages its channel dropped during this migration. */
class StaleMessagesTest {

    private final MigrationHarness harness = new MigrationHarness();

    @Test
    void theReportCountsTheStaleMessagesOfThisMigrationOnly() throws Exception {
        try (ToyGuest guest = new ToyGuest("late", ToyLayouts.small(), ToyGuest.Behaviour.churn(2, 20, 3))) {
            ToyHintSource hints = harness.withHints(guest, 64, Duration.ZERO);
            hints.staleMessages.set(7); // dropped before this migration, on earlier connections
            hints.answerLate();

            MigrationHarness.Run run = harness.migrate(guest, MigrationOptions.builder().downtimeLimit(Duration.ofMillis(5))
                    .maxRounds(4).build());

            assertThat(run.source().outcome()).as(run.source().failure()).isEqualTo(MigrationPhase.COMPLETED);
            long requests = run.source().hints().requests();
            assertThat(requests).isPositive();
            assertThat(run.source().hints().staleMessagesDropped()).as("one late answer per request, not the 7 before")
                    .isEqualTo(requests);
        }
    }
}
