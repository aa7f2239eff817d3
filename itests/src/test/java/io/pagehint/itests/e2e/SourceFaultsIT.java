package io.pagehint.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.reference.control.GuestStatus;
import io.pagehint.runtime.process.DestinationRun;
import io.pagehint.runtime.process.GuestRun;
import io.pagehint.runtime.process.PagehintProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command line under signals and a second migration: Ctrl-C on a slow {@code migrate} cancels
 * at once, tells the destination and prints the report; SIGTERM on a waiting {@code receive} ends
 * it cleanly; a second {@code migrate} of a guest another process is migrating is refused at once.
 */
class SourceFaultsIT extends EndToEnd {

    @Test
    void ctrlCOnAMigrationAtOneBytePerSecondCancelsAtOnceTellsTheDestinationAndReports() throws Exception {
        try (GuestRun guest = GuestRun.start(migrations.dir, "sigint-guest", Migrations.SMALL_Q35, null,
                List.of("--workload", "churn", "--rate", "2000"), List.of());
             DestinationRun destination = DestinationRun.start(migrations.dir, "sigint-destination", Migrations.SMALL_Q35, List.of())) {
            guest.awaitSettled(Duration.ofMinutes(1));
            try (PagehintProcess source = PagehintProcess.start(migrations.dir, "sigint-source", List.of(),
                    migrate(guest, destination, "--bandwidth", "1"))) {
                source.awaitErrors(Pattern.compile("BULK"), Duration.ofMinutes(1));
                signal("INT", source);

                assertThat(source.await(Duration.ofMinutes(1))).isNotZero();
                assertThat(source.output()).as(source.errors()).contains("CANCELLED");
                assertThat(source.errors()).doesNotContain("\tat ");
                DestinationRun.Result d = destination.await(Duration.ofMinutes(1));
                assertThat(d.exitCode()).isEqualTo(1);
                assertThat(d.report().get("failure").getAsString()).as("CANCEL arrived").contains("the source cancelled");
            }
            GuestStatus after = guest.status();
            assertThat(after.state()).isEqualTo("RUNNING");
        }
    }

    @Test
    void sigtermOnAWaitingReceiveEndsItWithItsReportAndNoTrace() throws Exception {
        try (DestinationRun destination = DestinationRun.start(migrations.dir, "sigterm-destination", Migrations.SMALL_Q35, List.of())) {
            signal("TERM", destination.process());
            destination.process().await(Duration.ofMinutes(1));
            String errors = destination.process().errors();
            assertThat(errors).doesNotContain("did not start").doesNotContain("did not stop cleanly").doesNotContain("BundleContext")
                    .doesNotContain("\tat ");
            assertThat(destination.process().output()).as(errors).contains("\"outcome\": \"cancelled\"");
            assertThat(destination.process().output().strip()).as("--json: stdout is the JSON report alone")
                    .startsWith("{").endsWith("}");
            assertThat(destination.ramFile()).doesNotExist();
        }
    }

    @Test
    void aSecondMigrateOfAGuestThatIsBeingMigratedIsRefusedAtOnceSayingWhy() throws Exception {
        try (GuestRun guest = GuestRun.start(migrations.dir, "twice-guest", Migrations.SMALL_Q35, null,
                List.of("--workload", "churn", "--rate", "2000"), List.of());
             DestinationRun first = DestinationRun.start(migrations.dir, "twice-destination-1", Migrations.SMALL_Q35, List.of());
             DestinationRun second = DestinationRun.start(migrations.dir, "twice-destination-2", Migrations.SMALL_Q35, List.of())) {
            guest.awaitSettled(Duration.ofMinutes(1));
            try (PagehintProcess one = PagehintProcess.start(migrations.dir, "twice-source-1", List.of(),
                    migrate(guest, first, "--bandwidth", "4M"))) {
                one.awaitErrors(Pattern.compile("BULK"), Duration.ofMinutes(1));
                try (PagehintProcess two = PagehintProcess.start(migrations.dir, "twice-source-2", List.of(),
                        migrate(guest, second))) {
                    assertThat(two.await(Duration.ofMinutes(1))).isEqualTo(1);
                    assertThat(two.errors()).contains("already being migrated").contains("one migration at a time")
                            .doesNotContain("\tat ");
                }
                assertThat(one.await(Duration.ofMinutes(3))).as(one.errors()).isZero();
                assertThat(first.await(Duration.ofMinutes(1)).exitCode()).isZero();
            }
        }
    }

    private static List<String> migrate(GuestRun guest, DestinationRun destination, String... more) {
        List<String> args = new ArrayList<>(List.of("migrate", "--to", "127.0.0.1:" + destination.address().getPort(),
                "--channel", "none", "--guest-control", guest.files().control().toString(),
                "--ram-file", guest.files().ramFile().toString(), "--dirty-log", guest.files().dirtyLog().toString(),
                "--machine", "q35", "--ram", "128M"));
        args.addAll(List.of(more));
        return args;
    }

    private static void signal(String name, PagehintProcess p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.process().pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
