package io.pagehint.guest.boot;

import static io.pagehint.guest.testing.GuestProcessHandle.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.SelfCheck;
import io.pagehint.guest.kernel.SelfCheckReport;
import io.pagehint.guest.testing.GuestProcessHandle;
import io.pagehint.reference.control.GuestStatus;
import io.pagehint.reference.ram.DirtyLogFile;
import io.pagehint.reference.ram.RamFileLayout;
import io.pagehint.reference.ram.RamImage;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The guest as users run it: its own OS process, seen by this test JVM as a host sees a guest. */
class GuestProcessIT {

    private static final String RAM = "96M";
    private static final GuestMemoryLayout LAYOUT = TestLayouts.x86(new MachineSpec("x86_64", "q35", 96L << 20));

    static Stream<Arguments> workloads() {
        return Stream.of(
                Arguments.of("idle", new String[] {"--vcpus", "2"}),
                Arguments.of("churn", new String[] {"--vcpus", "2", "--rate", "4000"}),
                Arguments.of("hog", new String[] {"--mb-per-s", "40"}),
                Arguments.of("used-then-freed", new String[] {"--vcpus", "2", "--size", "32M", "--init-on-free"}),
                Arguments.of("page-cache", new String[] {"--size", "24M", "--free-bitmap", "kept"}));
    }

    @Test
    void aVirtGuestOfSixtyFourKibibytePagesRunsAsItsOwnProcessAndChecksWhole() throws Exception {
        List<String> virt = List.of("--arch", "aarch64", "--machine", "virt", "-o", "guest-page-size=64K");
        GuestMemoryLayout layout = TestLayouts.virt(512L << 20, "guest-page-size=64K");
        try (GuestProcessHandle guest = GuestProcessHandle.start(virt, "512M", "--workload", "churn", "--rate", "4000");
             RamImage ram = RamImage.open(guest.ramFile(), layout)) {
            waitFor(() -> status(guest).operations() > 50, "the workload to run");
            guest.control().pause(GuestProcessHandle.TIMEOUT);
            GuestStatus paused = status(guest);
            assertThat(paused.pageSize()).isEqualTo(64 * 1024);
            assertThat(paused.maxPfn()).as("RAM [1 GiB, 1.5 GiB) in 64 KiB pages").isEqualTo(((1L << 30) + (512L << 20)) / 65536 - 1);
            SelfCheckReport check = SelfCheck.run(ram);
            assertThat(check.problems()).isEmpty();
            assertThat(check.freePages()).isEqualTo(paused.freePages());
            assertThat(guest.quit()).isZero();
            GuestProcessHandle.CheckRun run = guest.check();
            assertThat(run.exitCode()).as(run.output()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void eachWorkloadWritesGuestRamThatASecondProcessSeesInTheDirtyLog(String workload, String[] options) throws Exception {
        String[] args = Stream.concat(Stream.of("--workload", workload), Stream.of(options)).toArray(String[]::new);
        try (GuestProcessHandle guest = GuestProcessHandle.start(RAM, args);
             RamImage ram = RamImage.open(guest.ramFile(), LAYOUT);
             DirtyLogFile log = DirtyLogFile.open(guest.dirtyLog(), new RamFileLayout(LAYOUT))) {
            waitFor(() -> status(guest).operations() > 20, "the workload to run");
            switch (workload) {
                case "used-then-freed" -> waitFor(() -> status(guest).phases().stream().allMatch(p -> p.endsWith("idle")),
                        "memory filled and freed");
                case "page-cache" -> waitFor(() -> status(guest).cachedPages() >= (24 << 20) / 4096, "24 MiB of page cache");
                default -> { }
            }
            PageBitmap dirty = new PageBitmap(LAYOUT.ramPages());
            assertThat(log.harvest(0, dirty)).as("pages the guest wrote since boot").isPositive();
            waitFor(() -> log.countDirty(0) > 0, "the workload's next writes to show in the dirty log");

            guest.control().pause(GuestProcessHandle.TIMEOUT);
            SelfCheckReport check = SelfCheck.run(ram);
            assertThat(check.problems()).isEmpty();
            assertThat(check.passed()).isTrue();
            GuestStatus paused = status(guest);
            assertThat(paused.state()).isEqualTo("PAUSED");
            assertThat(check.freePages()).isEqualTo(paused.freePages());
            if (workload.equals("used-then-freed")) {
                assertThat(paused.anonPages()).as("all freed but the idle timer pages").isEqualTo(2);
            }
            if (workload.equals("page-cache")) {
                assertThat(paused.cachedPages()).isEqualTo((24 << 20) / 4096);
                assertThat(paused.dirtyPages()).isZero();
            }
            assertThat(paused.vcpuFailures()).isZero();
            guest.control().resume(GuestProcessHandle.TIMEOUT);
            long ops = status(guest).operations();
            waitFor(() -> status(guest).operations() > ops, "the guest to run again");
            assertThat(guest.quit()).isZero();
        }
    }

    @Test
    void afterAPauseNoWriteIsInFlight() throws Exception {
        try (GuestProcessHandle guest = GuestProcessHandle.start(RAM, "--workload", "hog", "--mb-per-s", "0", "--vcpus", "2");
             DirtyLogFile log = DirtyLogFile.open(guest.dirtyLog(), new RamFileLayout(LAYOUT))) {
            waitFor(() -> status(guest).operations() > 1000, "the hog to write");
            guest.control().pause(GuestProcessHandle.TIMEOUT);
            long ops = status(guest).operations();

            long first = log.harvest(0, new PageBitmap(LAYOUT.ramPages()));
            GuestStatus later = status(guest);
            long second = log.harvest(0, new PageBitmap(LAYOUT.ramPages()));

            assertThat(first).as("the hog wrote before the pause").isPositive();
            assertThat(later.operations()).as("no vCPU ran while paused").isEqualTo(ops);
            assertThat(second).as("nothing was written after the pause returned").isZero();

            guest.control().resume(GuestProcessHandle.TIMEOUT);
            waitFor(() -> log.countDirty(0) > 0, "writes after resume");
        }
    }

    @Test
    void aSecondGuestProcessTakesUpTheRamTheFirstLeftAndGoesOn() throws Exception {
        try (GuestProcessHandle guest = GuestProcessHandle.start(RAM, "--workload", "churn", "--rate", "4000", "--seed", "5")) {
            waitFor(() -> status(guest).operations() > 2000, "the first guest to churn");
            guest.control().pause(GuestProcessHandle.TIMEOUT);
            GuestStatus before = status(guest);
            assertThat(guest.quit()).as("a paused guest quits without running again").isZero();
            java.nio.file.Files.delete(guest.dirtyLog()); // RAM that arrived by migration comes without one

            guest.relaunch("--attach", "--paused", "--workload", "churn", "--rate", "4000", "--seed", "6");
            GuestStatus attached = status(guest);
            assertThat(attached.cachedPages()).as("the page cache survived").isEqualTo(before.cachedPages()).isPositive();
            assertThat(attached.dirtyPages()).isEqualTo(before.dirtyPages());
            assertThat(attached.anonPages()).as("the first run's anonymous memory is still allocated").isEqualTo(before.anonPages());
            assertThat(attached.freePages()).isEqualTo(before.freePages());
            assertThat(attached.state()).isEqualTo("PAUSED");
            guest.control().resume(GuestProcessHandle.TIMEOUT);
            waitFor(() -> status(guest).operations() > 2000, "the second guest to churn");
            guest.control().pause(GuestProcessHandle.TIMEOUT);
            try (RamImage ram = RamImage.open(guest.ramFile(), LAYOUT)) {
                assertThat(SelfCheck.run(ram).problems()).isEmpty();
            }
        }
    }

    @Test
    void theControlSocketIsPrivateAndAnswersEveryLine() throws Exception {
        try (GuestProcessHandle guest = GuestProcessHandle.start("64M")) {
            assertThat(java.nio.file.Files.getPosixFilePermissions(guest.controlSocket()))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertThat(guest.control().call("THROTTLE 30", GuestProcessHandle.TIMEOUT)).isEqualTo("throttle=30");
            assertThat(status(guest).throttle()).isEqualTo(30);
            assertThat(callFails(guest, "THROTTLE 100")).contains("ERR");
            assertThat(callFails(guest, "FLY")).contains("ERR unknown command FLY");
            assertThat(callFails(guest, "x".repeat(300))).contains("ERR line longer than 256 bytes");
        }
    }

    @Test
    void anIdleEightGibGuestPopulatesAlmostNothing() throws Exception {
        GuestMemoryLayout big = TestLayouts.x86(new MachineSpec("x86_64", "q35", 8L << 30));
        try (GuestProcessHandle guest = GuestProcessHandle.start("8G", "--workload", "idle");
             RamImage ram = RamImage.open(guest.ramFile(), big)) {
            waitFor(() -> status(guest).operations() > 0, "the guest to boot and tick");
            long populated = ShmDir.allocatedBytes(guest.ramFile());
            assertThat(populated).as("bytes of memory the 8 GiB guest holds").isLessThan(32L << 20);

            PageBitmap unbacked = new PageBitmap(big.ramPages());
            long holes = ram.markHoles(0, 0, big.ramPages(), unbacked);
            assertThat(holes).isGreaterThan(big.ramPages() - (32L << 20) / 4096);
            assertThat(ShmDir.allocatedBytes(guest.ramFile())).as("finding holes populates nothing").isLessThan(32L << 20);
        }
    }

    private static GuestStatus status(GuestProcessHandle guest) {
        try {
            return guest.status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A second connection for a request that may end its connection. */
    private static String callFails(GuestProcessHandle guest, String line) throws IOException {
        try (var c = io.pagehint.reference.control.ControlClient.connect(guest.controlSocket())) {
            c.call(line, GuestProcessHandle.TIMEOUT);
            return "no error";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
