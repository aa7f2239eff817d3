package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A guest that cannot hint over virtio is migrated without hints, whole, and the report says why
 * (issue 14): once "no virtio-balloon hint channel ... appeared within 10s" failed the migration.
 */
class GuestThatCannotHintIT extends EndToEnd {

    @Test
    void aPausedGuestWhoseDriverNeverSetUpItsDeviceIsMigratedWithoutHintsAndTheNoteSaysWhy() throws Exception {
        Migrations.Outcome o = migrations.migrate("paused", Migrations.SMALL_Q35, "virtio", true,
                List.of("--paused"), List.of(), List.of(), false);
        assertThat(o.sourceExit()).as(o.logs()).isZero();
        assertThat(o.destinationCheckPassed()).as(o.logs()).isTrue();
        assertThat(o.skippedByHints()).isZero();
        assertThat(o.source().getAsJsonObject("hints").get("note").getAsString())
                .contains("UNSUPPORTED").contains("has not finished setting up the device").contains("paused");
    }

    @Test
    void aGuestWithoutAVirtioDriverIsMigratedWithoutHintsAndSaysSo() throws Exception {
        Migrations.Outcome o = migrations.migrate("no-driver", Migrations.SMALL_Q35, "virtio", false,
                List.of(), List.of(), List.of(), true);
        assertThat(o.sourceExit()).as(o.logs()).isZero();
        assertThat(o.destinationCheckPassed()).as(o.logs()).isTrue();
        assertThat(o.skippedByHints()).isZero();
        assertThat(o.source().getAsJsonObject("hints").get("note").getAsString()).contains("no hint source");
        assertThat(o.logs()).contains("was the guest started with its driver pointed at").contains("migrating without hints");
    }
}
