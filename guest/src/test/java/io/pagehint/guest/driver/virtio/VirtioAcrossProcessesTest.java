package io.pagehint.guest.driver.virtio;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.virtio.FreePageHintChannel;
import io.pagehint.channel.virtio.VirtioSettings;
import io.pagehint.guest.driver.GuestDriverProcess;
import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.ram.GuestPhysicalMemory;
import io.pagehint.guest.testing.ShmDir;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The virtio device here, the reference guest with its driver in another process, the rings in RAM both map. */
class VirtioAcrossProcessesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Hint pages as the guest's kernel counts them in its RAM now. */
    private static long hintPages(ShmDir shm, GuestMemoryLayout layout) {
        try (GuestFixture now = GuestFixture.attach(shm.path(), layout)) {
            return now.kernel().hintPages();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aGuestProcessHintsItsWholeFreeBlocksAndGivesThemBackOnDone() throws Exception {
        try (ShmDir shm = new ShmDir()) {
            GuestDriverProcess.Spec spec = new GuestDriverProcess.Spec(HintSource.TRANSPORT_VIRTIO_BALLOON, dir.resolve("doorbell"),
                    shm.path(), 512, 256, new BootOptions(true, false, false, BootOptions.FreeBitmapMode.WALK), 0.2, 21);
            GuestMemoryLayout layout = spec.layout();
            RecordingPublisher publisher = new RecordingPublisher();
            try (GuestDriverProcess process = GuestDriverProcess.boot(spec, dir.resolve("guest.log"), WAIT);
                 GuestPhysicalMemory deviceMemory = GuestPhysicalMemory.open(shm.resolve("ram"), shm.resolve("dirty-log"), layout);
                 FreePageHintChannel channel = FreePageHintChannel.open(VirtioSettings.defaults("vm-v", spec.endpoint()),
                         layout, deviceMemory, publisher)) {
                process.startDriver(WAIT);
                HintSource source = publisher.awaitPublications(1, WAIT).source;
                PageBitmap expected;
                try (GuestFixture idle = GuestFixture.attach(shm.path(), layout)) { // rings set up, guest idle
                    expected = GuestFixture.wholeBlocks(idle.freePages(), 10);
                }
                RecordingConsumer consumer = new RecordingConsumer();
                HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
                assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
                assertThat(consumer.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
                assertThat(hintPages(shm, layout)).as("the guest holds the blocks it hinted").isEqualTo(expected.cardinality());

                request.close();
                GuestFixture.await(() -> hintPages(shm, layout) == 0, WAIT, "the guest to give its blocks back on DONE");
                assertThat(process.isAlive()).isTrue();
            }
        }
    }
}
