package io.pagehint.runtime.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A guest that answered late: the channel's stale count shows in both forms of the migration report. */
class StaleMessagesReportTest {

    private static MigrationReport withStale(long stale) {
        HintReport hints = new HintReport("virtio-serial", "", 3, 10, 1, 5000, 0, Duration.ofMillis(2), Duration.ofMillis(9), stale);
        return new MigrationReport("m1", MigrationRole.SOURCE, MigrationPhase.COMPLETED, "", Duration.ofSeconds(1),
                Duration.ofMillis(5), Duration.ofMillis(20), 3, 1 << 20, 256, 0, 5000, hints, null, List.of());
    }

    @Test
    void theJsonReportCarriesTheStaleCount() {
        assertThat(ReportJson.of(withStale(7)).getAsJsonObject("hints").get("staleMessagesDropped").getAsLong()).isEqualTo(7);
    }

    @Test
    void theTextReportCarriesTheStaleCount() {
        StringWriter text = new StringWriter();
        ReportText.print(withStale(7), new PrintWriter(text));
        assertThat(text.toString()).containsPattern("hint: stale msgs dropped\\s+7\\n");
    }

    @Test
    void aReportOfVersionOneCountsNone() {
        HintReport old = new HintReport("none", "", 0, 0, 0, 0, 0, null, null);
        assertThat(old.staleMessagesDropped()).isZero();
    }
}
