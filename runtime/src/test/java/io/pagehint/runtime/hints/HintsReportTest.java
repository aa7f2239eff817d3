package io.pagehint.runtime.hints;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code pagehint hints}' report shows how many late answers the channel dropped. */
class HintsReportTest {

    private final HintsReport report = new HintsReport("g1", "virtio-serial", Optional.of(new GuestMemInfo(100, 0, 1000, 4096)),
            OptionalInt.empty(), HintStatus.READY, "", Duration.ofMillis(1), Duration.ofMillis(3), 100, 4096, 2);

    @Test
    void theJsonCarriesTheStaleCount() {
        assertThat(report.toJson().get("staleMessagesDropped").getAsLong()).isEqualTo(2);
    }

    @Test
    void theTextCarriesTheStaleCount() {
        StringWriter text = new StringWriter();
        report.printText(new PrintWriter(text));
        assertThat(text.toString()).contains("stale dropped: 2 messages");
    }
}
