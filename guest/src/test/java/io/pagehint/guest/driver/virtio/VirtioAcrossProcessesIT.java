package io.pagehint.guest.driver.virtio;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.testing.Await;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.virtio.FreePageHintChannel;
import io.pagehint.channel.virtio.VirtioSettings;
import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.kernel.SelfCheck;
import io.pagehint.guest.kernel.SelfCheckReport;
import io.pagehint.guest.testing.GuestProcessHandle;
import io.pagehint.reference.control.GuestStatus;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.ram.RamImage;
import io.pagehint.reference.testing.TestLayouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The virtio device here; the reference guest process ({@code pagehint guest --virtio}) in
 * another OS process; the rings in the RAM both map.
 */
class VirtioAcrossProcessesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Hint pages as the guest's kernel counts them in its RAM now. */
    private static long hintPages(GuestProcessHandle guest, GuestMemoryLayout layout) {
        try (GuestFixture now = GuestFixture.attach(guest.ramFile(), guest.dirtyLog(), layout)) {
            return now.kernel().hintPages();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aGuestProcessHintsItsWholeFreeBlocksAndGivesThemBackOnDone() throws Exception {
        Path doorbell = dir.resolve("doorbell");
        GuestMemoryLayout layout = TestLayouts.x86(new MachineSpec("x86_64", "q35", 512L << 20));
        RecordingPublisher publisher = new RecordingPublisher();
        try (GuestProcessHandle guest = GuestProcessHandle.start("512M", "--virtio", doorbell.toString(), "--init-on-alloc");
             GuestPhysicalMemory deviceMemory = GuestPhysicalMemory.open(guest.ramFile(), guest.dirtyLog(), layout);
             FreePageHintChannel channel = FreePageHintChannel.open(VirtioSettings.defaults("vm-v", doorbell), layout,
                     deviceMemory, publisher)) {
            HintSource source = publisher.awaitPublications(1, WAIT).source;
            PageBitmap expected;
            try (GuestFixture idle = GuestFixture.attach(guest.ramFile(), guest.dirtyLog(), layout)) { // rings set up, guest idle
                expected = GuestFixture.wholeBlocks(idle.freePages(), 10);
            }
            RecordingConsumer consumer = new RecordingConsumer();
            HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
            assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
            PageBitmap hinted = consumer.pages(layout.pfnLimit());
            assertThat(GuestFixture.allWholeBlocksButTheReserve(hinted, expected, layout, 10))
                    .as("hinted %d pages of %d in whole free blocks", hinted.cardinality(), expected.cardinality()).isTrue();
            assertThat(hintPages(guest, layout)).as("the guest holds the blocks it hinted").isEqualTo(hinted.cardinality());

            request.close();
            Await.until(WAIT, "the guest to give its blocks back on DONE", () -> hintPages(guest, layout) == 0);
            assertThat(guest.process().isAlive()).isTrue();
        }
    }

    /**
     * The source guest stops in the middle of a hinted migration, its driver holding the blocks it
     * hinted (DONE never reaches it: it is paused, then gone); the RAM file is what a destination
     * receives, as it was at the stop. The
     * destination's self-check counts what the driver held, and the guest taken up from that RAM
     * has it back on its free lists before it runs anything, with no device and no operator action.
     */
    @Test
    void aGuestTakenUpAfterAHintedMigrationHasTheBlocksItsDriverHeldBack() throws Exception {
        Path doorbell = dir.resolve("doorbell");
        GuestMemoryLayout layout = TestLayouts.x86(new MachineSpec("x86_64", "q35", 512L << 20));
        RecordingPublisher publisher = new RecordingPublisher();
        try (GuestProcessHandle guest = GuestProcessHandle.start("512M", "--virtio", doorbell.toString());
             GuestPhysicalMemory deviceMemory = GuestPhysicalMemory.open(guest.ramFile(), guest.dirtyLog(), layout);
             FreePageHintChannel channel = FreePageHintChannel.open(VirtioSettings.defaults("vm-v", doorbell), layout,
                     deviceMemory, publisher)) {
            HintSource source = publisher.awaitPublications(1, WAIT).source;
            RecordingConsumer consumer = new RecordingConsumer();
            source.request(new HintRequestOptions(1, false), consumer);
            assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
            guest.control().pause(GuestProcessHandle.TIMEOUT); // the stop: the round's blocks are still held
            GuestStatus stopped = guest.status();
            long held = stopped.hintPages();
            assertThat(held).as("the driver holds the blocks it hinted").isGreaterThan(50_000);
            // the source is gone as it stopped (a QUIT would let its driver give the blocks back first)
            guest.process().destroyForcibly().waitFor();
            java.nio.file.Files.delete(guest.controlSocket());

            SelfCheckReport arrived;
            try (RamImage ram = RamImage.open(guest.ramFile(), layout)) {
                arrived = SelfCheck.run(ram);
            }
            assertThat(arrived.problems()).isEmpty();
            assertThat(arrived.hintPages()).as("the destination's check says what goes back").isEqualTo(held);
            assertThat(arrived.toResult().hintPagesHeld()).isEqualTo(held);

            java.nio.file.Files.delete(guest.dirtyLog());
            guest.relaunch("--attach", "--paused");
            GuestStatus taken = guest.status();
            assertThat(taken.hintPages()).as("nothing is held any more").isZero();
            assertThat(taken.freePages()).as("the held blocks are free again").isEqualTo(stopped.freePages() + held);
            try (RamImage ram = RamImage.open(guest.ramFile(), layout)) {
                SelfCheckReport after = SelfCheck.run(ram);
                assertThat(after.problems()).isEmpty();
                assertThat(after.hintPages()).isZero();
            }
        }
    }
}
