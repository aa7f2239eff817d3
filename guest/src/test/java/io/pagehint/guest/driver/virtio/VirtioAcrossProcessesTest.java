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
import io.pagehint.channel.testing.SharedGuestRam;
import io.pagehint.channel.virtio.FreePageHintChannel;
import io.pagehint.channel.virtio.VirtioSettings;
import io.pagehint.guest.driver.FakeKernel;
import io.pagehint.guest.driver.GuestDriverProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The virtio device in this process, its driver in a guest process, the rings in RAM both map from one file. */
class VirtioAcrossProcessesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aGuestProcessHintsItsWholeFreeBlocksRoundAfterRound() throws Exception {
        GuestDriverProcess.Spec spec = new GuestDriverProcess.Spec(HintSource.TRANSPORT_VIRTIO_BALLOON, dir.resolve("doorbell"),
                dir.resolve("ram"), 256, 256, 21, 0.0002, true, null);
        GuestMemoryLayout layout = spec.layout();
        PageBitmap free = FakeKernel.freePattern(layout, spec.seed(), spec.usedFraction());
        PageBitmap blocks = new PageBitmap(free.size());
        for (long pfn = 0; pfn + FakeKernel.BLOCK_PAGES <= free.size(); pfn += FakeKernel.BLOCK_PAGES) {
            if (free.cardinality(pfn, pfn + FakeKernel.BLOCK_PAGES) == FakeKernel.BLOCK_PAGES) {
                blocks.setRange(pfn, pfn + FakeKernel.BLOCK_PAGES);
            }
        }
        SharedGuestRam hostView = SharedGuestRam.map(spec.ramFile(), layout);
        RecordingPublisher publisher = new RecordingPublisher();
        try (FreePageHintChannel channel = FreePageHintChannel.open(VirtioSettings.defaults("vm-v", spec.endpoint()), layout,
                hostView, publisher);
             GuestDriverProcess guest = GuestDriverProcess.start(spec, dir.resolve("guest.log"), WAIT)) {
            HintSource source = publisher.awaitPublications(1, WAIT).source;
            for (long id = 1; id <= 3; id++) {
                RecordingConsumer consumer = new RecordingConsumer();
                HintRequest request = source.request(new HintRequestOptions(id, false), consumer);
                assertThat(consumer.awaitFinished(WAIT)).as("round %d", id).isEqualTo(HintStatus.READY);
                PageBitmap hinted = consumer.pages(layout.pfnLimit());
                if (id == 1) {
                    assertThat(hinted.sameBits(blocks)).as("the first round hints every whole free block").isTrue();
                } else {
                    // a later round hints what the guest can take then: the blocks DONE gave back, unless the
                    // new id overwrote DONE before the driver read it (then it still holds them, as Linux would)
                    PageBitmap outside = hinted.copy();
                    outside.andNot(blocks);
                    assertThat(outside.cardinality()).as("round %d hints only free blocks", id).isZero();
                }
                request.close();
            }
            assertThat(guest.isAlive()).isTrue();
        }
    }
}
