package io.pagehint.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestRun;
import io.pagehint.runtime.process.PagehintProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code pagehint hints} against a running {@code pagehint guest}, both as processes of the real jar. */
class HintsCommandIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"serial", "virtio"})
    void aUserAsksARunningGuestForItsFreePagesWithoutMigrating(String channel) throws Exception {
        MachineSpec machine = new MachineSpec("x86_64", "q35", 1L << 30);
        try (GuestRun guest = GuestRun.start(dir, "g1", machine, channel, List.of(), List.of("-Xmx256m"))) {
            guest.awaitSettled(WAIT);
            GuestFiles f = guest.files();
            List<String> args = new ArrayList<>(List.of("hints", "--ram-file", f.ramFile().toString(), "--dirty-log",
                    f.dirtyLog().toString(), "--guest-control", f.control().toString(), "--machine", "q35", "--ram", "1G",
                    "--channel", channel, "--channel-socket", guest.channelSocket().toString(), "--json"));
            try (PagehintProcess hints = PagehintProcess.start(dir, "hints-" + channel, List.of("-Xmx256m"), args)) {
                int exit = hints.await(WAIT);
                assertThat(exit).as("stderr: %s", hints.errors()).isZero();
                JsonObject report = JsonParser.parseString(hints.output()).getAsJsonObject();
                assertThat(report.get("status").getAsString()).isEqualTo("READY");
                assertThat(report.get("readyMs").getAsDouble()).isPositive();
                long pages = report.get("pagesHinted").getAsLong();
                assertThat(pages).isPositive();
                assertThat(report.get("staleMessagesDropped").getAsLong()).as("one request, answered in time").isZero();
                if (channel.equals("serial")) {
                    assertThat(report.get("transport").getAsString()).isEqualTo("virtio-serial");
                    long free = report.getAsJsonObject("memInfo").get("freePages").getAsLong();
                    assertThat(pages).as("an idle guest hints every free page").isEqualTo(free);
                } else {
                    assertThat(report.get("transport").getAsString()).isEqualTo("virtio-balloon");
                    assertThat(report.get("memInfo").isJsonNull()).as("no section 7a on the balloon").isTrue();
                    assertThat(pages % 1024).as("whole 4 MiB blocks").isZero();
                }
            }
        }
    }

    /**
     * A command prints its own output: the framework's INFO lines (the channel's port opening, the
     * guest driver connecting) stay off the console unless asked for with {@code --verbose}, and go to
     * the file {@code --log-file} names.
     */
    @org.junit.jupiter.api.Test
    void frameworkInfoLinesStayOffTheConsoleUnlessAskedForOrGoToTheLogFile() throws Exception {
        MachineSpec machine = new MachineSpec("x86_64", "q35", 256L << 20);
        try (GuestRun guest = GuestRun.start(dir, "g2", machine, "serial", List.of(), List.of("-Xmx256m"))) {
            guest.awaitSettled(WAIT);
            GuestFiles f = guest.files();
            List<String> hints = List.of("hints", "--ram-file", f.ramFile().toString(), "--dirty-log",
                    f.dirtyLog().toString(), "--guest-control", f.control().toString(), "--machine", "q35", "--ram", "256M",
                    "--channel", "serial", "--channel-socket", guest.channelSocket().toString(), "--json");
            String portOpened = "INFO io.pagehint.channel.serial.SerialChannel - \\S+: virtio-serial hint port listening";

            Run quiet = run("quiet", List.of(), hints);
            assertThat(quiet.err()).as("stderr by default").doesNotContain(" INFO ");
            JsonParser.parseString(quiet.out()).getAsJsonObject();

            Path logFile = dir.resolve("framework.log");
            Run logged = run("logged", List.of("--log-file", logFile.toString()), hints);
            assertThat(logged.err()).as("stderr with --log-file").doesNotContain(" INFO ");
            assertThat(java.nio.file.Files.readString(logFile)).containsPattern(portOpened);
            JsonParser.parseString(logged.out()).getAsJsonObject();

            Run verbose = run("verbose", List.of("--verbose"), hints);
            assertThat(verbose.err()).as("stderr with --verbose").containsPattern(portOpened);
            JsonParser.parseString(verbose.out()).getAsJsonObject();
        }
    }

    private record Run(String out, String err) {
    }

    private Run run(String name, List<String> launcherOptions, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(launcherOptions);
        args.addAll(command);
        try (PagehintProcess p = PagehintProcess.start(dir, "hints-" + name, List.of("-Xmx256m"), args)) {
            int exit = p.await(WAIT);
            assertThat(exit).as("stderr: %s", p.errors()).isZero();
            return new Run(p.output(), p.errors());
        }
    }

    /**
     * Issue 14: {@code hints} on a paused guest failed with "no virtio-balloon hint channel ...
     * appeared within 10s (was the guest started ...?)". A paused guest runs no driver code, so its
     * driver cannot set the device up; the answer says so.
     */
    @org.junit.jupiter.api.Test
    void aPausedGuestAnswersOverVirtioThatItsDriverCannotHint() throws Exception {
        MachineSpec machine = new MachineSpec("x86_64", "q35", 256L << 20);
        try (GuestRun guest = GuestRun.start(dir, "g2", machine, "virtio", List.of(), List.of("-Xmx256m"))) {
            guest.awaitSettled(WAIT);
            GuestFiles f = guest.files();
            try (io.pagehint.reference.control.ControlClient c = io.pagehint.reference.control.ControlClient.connect(f.control())) {
                c.pause(WAIT);
            }
            List<String> args = new ArrayList<>(List.of("hints", "--ram-file", f.ramFile().toString(), "--dirty-log",
                    f.dirtyLog().toString(), "--guest-control", f.control().toString(), "--machine", "q35", "--ram", "256M",
                    "--channel", "virtio", "--channel-socket", guest.channelSocket().toString(), "--json"));
            try (PagehintProcess hints = PagehintProcess.start(dir, "hints-paused", List.of("-Xmx256m"), args)) {
                int exit = hints.await(WAIT);
                assertThat(exit).as("stderr: %s", hints.errors()).isEqualTo(1);
                JsonObject report = JsonParser.parseString(hints.output()).getAsJsonObject();
                assertThat(report.get("status").getAsString()).isEqualTo("UNSUPPORTED");
                assertThat(report.get("detail").getAsString()).contains("has not finished setting up the device").contains("paused");
            }
        }
    }
}
