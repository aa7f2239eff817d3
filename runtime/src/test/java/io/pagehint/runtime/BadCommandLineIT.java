package io.pagehint.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestRun;
import io.pagehint.runtime.process.PagehintProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong command lines given to the real {@code pagehint.jar}, as a user types them: each is turned
 * down with one clear line on stderr (no stack trace), a non-zero exit, and nothing left behind.
 * Checked before anything is created, so no command boots a guest or makes a RAM file first.
 */
class BadCommandLineIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final MachineSpec SMALL = new MachineSpec("x86_64", "q35", 64L << 20);

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    /** One running guest for the commands that name one (migrate): started once, it takes seconds. */
    private static GuestRun guest;

    @BeforeAll
    static void startGuest() throws Exception {
        guest = GuestRun.start(shared, "g1", SMALL, "serial", List.of(), List.of("-Xmx128m"));
        guest.awaitSettled(WAIT);
    }

    @AfterAll
    static void stopGuest() {
        if (guest != null) {
            guest.close();
        }
    }

    /** What one run printed and how it ended. */
    private record Run(int exit, String out, String err) {
        /**
         * Lines on stderr that are not log lines ("[thread] LEVEL ...") nor receive's progress line
         * "listening on HOST:PORT" (on stderr since stdout carries the report alone).
         */
        List<String> consoleLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith("[") && !l.startsWith("listening on ")).toList();
        }
    }

    private Run pagehint(String... args) throws Exception {
        try (PagehintProcess p = PagehintProcess.start(dir, "bad", List.of("-Xmx128m"), List.of(args))) {
            int exit = p.await(WAIT);
            return new Run(exit, p.output(), p.errors());
        }
    }

    /** Exit non-zero, no trace, and exactly one line on the console, which says {@code what}. */
    private static void oneClearLine(Run run, String what) {
        assertThat(run.exit()).as(run.err()).isNotZero();
        assertThat(run.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Caused by").doesNotContain("Exception");
        assertThat(run.consoleLines()).as(run.err()).hasSize(1);
        assertThat(run.consoleLines().get(0)).contains(what);
    }

    private List<String> migrate(GuestFiles g, String ram, String... more) {
        List<String> args = new ArrayList<>(List.of("migrate", "--ram-file", g.ramFile().toString(), "--dirty-log",
                g.dirtyLog().toString(), "--guest-control", g.control().toString(), "--machine", "q35", "--ram", ram));
        args.addAll(List.of(more));
        return args;
    }

    private Run pagehint(List<String> args) throws Exception {
        return pagehint(args.toArray(String[]::new));
    }

    private List<Path> leftIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> !p.getFileName().toString().startsWith("bad")).toList(); // not the process's console files
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------ receive

    @Test
    void receiveOnAHostThatDoesNotResolveSaysSoAndMakesNoRamFile() throws Exception {
        Path ram = dir.resolve("in.ram");
        Run run = pagehint("receive", "--listen", "no.such.host.invalid:7070", "--ram-file", ram.toString(), "--machine", "q35",
                "--ram", "64M");
        oneClearLine(run, "cannot resolve host no.such.host.invalid");
        assertThat(ram).doesNotExist();
    }

    @Test
    void receiveThatTimesOutSaysSoNotThatTheUserCancelled() throws Exception {
        Path ram = dir.resolve("in.ram");
        Run run = pagehint("receive", "--listen", "127.0.0.1:0", "--ram-file", ram.toString(), "--machine", "q35", "--ram", "64M",
                "--timeout", "1s", "--json");
        oneClearLine(run, "no migration arrived and ended within 1s");
        assertThat(run.err()).doesNotContain("cancelled by the user");
        assertThat(ram).doesNotExist();
    }

    @Test
    void receiveWithNoRamSaysWhatIsWrongWithTheRam() throws Exception {
        oneClearLine(pagehint("receive", "--listen", "127.0.0.1:0", "--ram-file", dir.resolve("in.ram").toString(),
                "--machine", "q35", "--ram", "0"), "--ram must be more than 0");
    }

    @Test
    void receiveOffLoopbackWithoutTlsIsRefusedNamingTheOptionsAndMakesNoRamFile() throws Exception {
        Path ram = dir.resolve("in.ram");
        Run run = pagehint("receive", "--listen", "0.0.0.0:0", "--ram-file", ram.toString(), "--machine", "q35", "--ram", "64M");
        oneClearLine(run, "without TLS");
        assertThat(run.err()).contains("--tls-creds DIR, or --allow-plaintext");
        assertThat(ram).doesNotExist();
        assertThat(dir.resolve("in.ram.incomplete")).doesNotExist();
    }

    @Test
    void receiveWithAMissingTlsFolderIsAUsageErrorBeforeTheRamFileIsMade() throws Exception {
        Path ram = dir.resolve("in.ram");
        Run run = pagehint("receive", "--listen", "127.0.0.1:0", "--ram-file", ram.toString(), "--machine", "q35", "--ram", "64M",
                "--tls-creds", dir.resolve("no-creds").toString());
        oneClearLine(run, "--tls-creds " + dir.resolve("no-creds") + " is not a folder");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(ram).doesNotExist();
    }

    // ------------------------------------------------------------------ migrate

    @Test
    void migrateWithNoRoundsIsAUsageError() throws Exception {
        Run run = pagehint(migrate(guest.files(), "64M", "--to", "127.0.0.1:1", "--channel", "none", "--max-rounds", "0"));
        oneClearLine(run, "--max-rounds must be at least 1");
        assertThat(run.exit()).isEqualTo(2);
    }

    @Test
    void migrateWithTooManyStreamsIsAUsageError() throws Exception {
        Run run = pagehint(migrate(guest.files(), "64M", "--to", "127.0.0.1:1", "--channel", "none", "--streams", "17"));
        oneClearLine(run, "--streams must be 1..16, not 17");
        assertThat(run.exit()).isEqualTo(2);
    }

    @Test
    void migrateWithAMissingTlsFolderIsAUsageError() throws Exception {
        Run run = pagehint(migrate(guest.files(), "64M", "--to", "127.0.0.1:1", "--channel", "none", "--tls-creds",
                dir.resolve("no-creds").toString()));
        oneClearLine(run, "--tls-creds " + dir.resolve("no-creds") + " is not a folder");
        assertThat(run.exit()).isEqualTo(2);
    }

    @Test
    void migrateToAClosedPortFailsWithoutATrace() throws Exception {
        Run run = pagehint(migrate(guest.files(), "64M", "--to", "127.0.0.1:" + closedPort(), "--channel", "none"));
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("cannot reach the destination").doesNotContain("\tat ").doesNotContain("Caused by");
    }

    @Test
    void aChannelSocketAtARegularFileIsNamedAsSuch() throws Exception {
        Path regular = Files.writeString(dir.resolve("not-a-socket"), "x");
        Run run = pagehint(migrate(guest.files(), "64M", "--to", "127.0.0.1:1", "--channel", "serial", "--channel-socket",
                regular.toString()));
        oneClearLine(run, "is a regular file, not a socket");
        assertThat(regular).hasContent("x");
    }

    @Test
    void aChannelSocketInAMissingFolderIsNamedAsSuch() throws Exception {
        Run run = pagehint(migrate(guest.files(), "64M", "--to", "127.0.0.1:1", "--channel", "serial", "--channel-socket",
                dir.resolve("missing/sock").toString()));
        oneClearLine(run, "does not exist");
        assertThat(run.err()).doesNotContain("driver");
    }

    @Test
    void migrateOfAGuestWhoseRamFileIsMissingNamesTheFileNotTheGuest() throws Exception {
        GuestFiles g = guest.files();
        GuestFiles missing = new GuestFiles(g.vmId(), g.machine(), dir.resolve("no.ram"), g.dirtyLog(), g.control());
        Run run = pagehint(migrate(missing, "64M", "--to", "127.0.0.1:1", "--channel", "none"));
        oneClearLine(run, "--ram-file " + dir.resolve("no.ram") + " does not exist");
    }

    @Test
    void migrateWithAnotherRamSizeThanTheGuestsSaysWhichItHas() throws Exception {
        Run run = pagehint(migrate(guest.files(), "1G", "--to", "127.0.0.1:1", "--channel", "none"));
        oneClearLine(run, "holds 64 MiB of RAM");
    }

    // ------------------------------------------------------------------ guest

    private List<String> guestArgs(String ram, Path control, String... more) {
        List<String> args = new ArrayList<>(List.of("guest", "--machine", "q35", "--ram", ram, "--ram-file",
                dir.resolve("g.ram").toString(), "--dirty-log", dir.resolve("g.dirty").toString(), "--control", control.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aGuestWithTooLittleRamIsTurnedDownBeforeItBoots() throws Exception {
        oneClearLine(pagehint(guestArgs("1K", dir.resolve("g.control"))), "--ram 1K is too small");
        assertThat(leftIn(dir)).isEmpty();
    }

    @Test
    void aGuestWithNoRamSaysWhatIsWrongWithTheRam() throws Exception {
        oneClearLine(pagehint(guestArgs("0", dir.resolve("g.control"))), "--ram 0 is too small");
        assertThat(leftIn(dir)).isEmpty();
    }

    @Test
    void aGuestWhoseControlSocketPathIsTakenIsTurnedDownBeforeItBoots() throws Exception {
        Path taken = Files.writeString(dir.resolve("taken"), "x");
        oneClearLine(pagehint(guestArgs("64M", taken)), "--control " + taken + " exists already");
        assertThat(leftIn(dir)).containsExactly(taken);
    }

    @Test
    void aGuestWhoseControlSocketFolderIsMissingIsTurnedDownBeforeItBoots() throws Exception {
        oneClearLine(pagehint(guestArgs("64M", dir.resolve("missing/ctl"))), "does not exist");
        assertThat(leftIn(dir)).isEmpty();
    }

    @Test
    void aWorkloadLargerThanTheGuestsRamIsTurnedDown() throws Exception {
        oneClearLine(pagehint(guestArgs("64M", dir.resolve("g.control"), "--workload", "used-then-freed", "--size", "4G")),
                "--size 4G is more than the guest's 64M of RAM");
        assertThat(leftIn(dir)).isEmpty();
    }
}
