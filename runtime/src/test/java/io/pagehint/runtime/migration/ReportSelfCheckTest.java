package io.pagehint.runtime.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.migration.HintReport;
import io.pagehint.api.migration.MigrationPhase;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationRole;
import io.pagehint.api.vm.SelfCheckResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The destination's report says how much hinted memory the guest gets back when it is taken up. */
class ReportSelfCheckTest {

    private static MigrationReport destination(long hintPagesHeld) {
        SelfCheckResult check = new SelfCheckResult(true, 131_072, 0, List.of(), Duration.ofMillis(40), hintPagesHeld);
        return new MigrationReport("m-1", MigrationRole.DESTINATION, MigrationPhase.COMPLETED, "", Duration.ofSeconds(2),
                Duration.ofMillis(5), Duration.ofMillis(30), 3, 1 << 20, 200, 10, 0, HintReport.none("hints are the source's business"),
                check, List.of());
    }

    @Test
    void theJsonAndTheTextSayHowManyHintedPagesGoBack() {
        assertThat(ReportJson.of(destination(113_664)).getAsJsonObject("selfCheck").get("hintPagesHeld").getAsLong())
                .isEqualTo(113_664);
        StringWriter text = new StringWriter();
        ReportText.print(destination(113_664), new PrintWriter(text, true));
        assertThat(text.toString()).contains("113664 hinted pages handed back to the guest when it is taken up");

        StringWriter none = new StringWriter();
        ReportText.print(destination(0), new PrintWriter(none, true));
        assertThat(none.toString()).doesNotContain("hinted pages");
    }
}
