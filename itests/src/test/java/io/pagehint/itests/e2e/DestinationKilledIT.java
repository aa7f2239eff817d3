package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.reference.control.GuestStatus;
import io.pagehint.runtime.process.DestinationRun;
import io.pagehint.runtime.process.GuestRun;
import io.pagehint.runtime.process.PagehintProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The destination process dies (SIGKILL) in the middle of a migration: the source reports a clear
 * error and exits non-zero, and the guest runs on at the source, unpaused and unthrottled, and is
 * still whole. What the destination had received stays only under its {@code .incomplete} name.
 */
class DestinationKilledIT extends EndToEnd {

    @Test
    void theSourceFailsClearlyAndTheGuestRunsOnWhole() throws Exception {
        try (GuestRun guest = GuestRun.start(migrations.dir, "killed-guest", Migrations.SMALL_Q35, null,
                List.of("--workload", "churn", "--rate", "5000", "--vcpus", "2"), List.of());
             DestinationRun destination = DestinationRun.start(migrations.dir, "killed-destination", Migrations.SMALL_Q35, List.of())) {
            guest.awaitSettled(Duration.ofMinutes(1));
            long opsBefore = guest.status().operations();
            // a slow link keeps the bulk round going long enough to kill the destination in it
            try (PagehintProcess source = PagehintProcess.start(migrations.dir, "killed-source", List.of(), List.of(
                    "migrate", "--to", "127.0.0.1:" + destination.address().getPort(), "--channel", "none",
                    "--bandwidth", "8M", "--guest-control", guest.files().control().toString(),
                    "--ram-file", guest.files().ramFile().toString(), "--dirty-log", guest.files().dirtyLog().toString(),
                    "--machine", "q35", "--ram", "128M"))) {
                source.awaitErrors(java.util.regex.Pattern.compile("BULK"), Duration.ofMinutes(1));
                destination.process().process().destroyForcibly().waitFor();
                // what it received is under a name that says so, never under the guest's
                assertThat(destination.ramFile()).doesNotExist();
                assertThat(destination.ramFile().resolveSibling(destination.ramFile().getFileName() + ".incomplete")).exists();

                int exit = source.await(Duration.ofMinutes(1));
                assertThat(exit).isEqualTo(1);
                assertThat(source.output()).contains("FAILED");
            }
            GuestStatus after = guest.status();
            assertThat(after.state()).isEqualTo("RUNNING");
            assertThat(after.throttle()).isZero();
            // it still works, and what it holds is still whole
            awaitMoreOperations(guest, opsBefore);
        }
        try (PagehintProcess check = PagehintProcess.start(migrations.dir, "killed-check", List.of(), List.of(
                "guest-check", "--ram-file", migrations.dir.resolve("killed-guest.ram").toString(),
                "--machine", "q35", "--ram", "128M"))) {
            assertThat(check.await(Duration.ofMinutes(1))).as(check.output()).isZero();
        }
    }

    private static void awaitMoreOperations(GuestRun guest, long before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (guest.status().operations() <= before) {
            assertThat(System.nanoTime()).as("the guest makes progress").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
