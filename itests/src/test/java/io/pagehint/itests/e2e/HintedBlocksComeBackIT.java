package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.runtime.process.GuestRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a destination taken up from the RAM a virtio-hinted migration brought held most of its
 * memory in the blocks the source's balloon driver had hinted. Now the destination's report says
 * how many pages that driver held at the stop, and the guest taken up from that RAM has them free.
 */
class HintedBlocksComeBackIT extends EndToEnd {

    @Test
    void theDestinationSaysWhatTheDriverHeldAndTheGuestTakenUpHasItBack() throws Exception {
        Migrations.Outcome o = migrations.migrate("handback", Migrations.SMALL_Q35, "virtio",
                List.of("--workload", "idle"), List.of(), List.of());
        assertThat(o.sourceExit()).as(o.logs()).isZero();
        assertThat(o.destinationCheckPassed()).as(o.logs()).isTrue();
        assertThat(o.skippedByHints()).isPositive();
        assertThat(o.source().getAsJsonObject("hints").get("note").getAsString()).as("all went well: no note").isEmpty();
        long held = o.destination().getAsJsonObject("selfCheck").get("hintPagesHeld").getAsLong();
        assertThat(held).as("the driver held the blocks it hinted when the source stopped").isPositive();

        // the operator takes the guest up from the received RAM file, as docs/GUEST.md says, and does nothing else
        try (GuestRun taken = GuestRun.start(migrations.dir, "handback-destination", Migrations.SMALL_Q35, null,
                List.of("--attach", "--paused"), List.of())) {
            taken.awaitControl(Duration.ofMinutes(1));
            var status = taken.status();
            assertThat(status.hintPages()).as("nothing held any more").isZero();
            assertThat(status.freePages()).as("the held pages are free").isGreaterThanOrEqualTo(held);
        }
    }
}
