package io.pagehint.guest.driver.virtio;

import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.testing.SharedGuestRam;
import io.pagehint.channel.virtio.FreePageHintChannel;
import io.pagehint.channel.virtio.VirtioSettings;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.guest.driver.FakeKernel;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's virtio balloon driver against the real device over its doorbell, with the rings in
 * guest RAM that both map from one file, as the host and guest processes do.
 */
class VirtioBalloonDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long BLOCK = FakeKernel.BLOCK_PAGES;

    @TempDir
    Path dir;

    private final GuestMemoryLayout layout = Layouts.withHole(128 * MiB, 128 * MiB);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private SharedGuestRam hostView;
    private SharedGuestRam guestView;
    private FreePageHintChannel channel;
    private GuestDriver driver;

    @BeforeEach
    void mapRam() throws Exception {
        hostView = SharedGuestRam.map(dir.resolve("ram"), layout);
        guestView = SharedGuestRam.map(dir.resolve("ram"), layout);
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    private VirtioSettings settings() {
        return VirtioSettings.defaults("guest-1", dir.resolve("doorbell"));
    }

    private FakeKernel kernel(double usedFraction) {
        return new FakeKernel(layout, guestView, FakeKernel.freePattern(layout, 5, usedFraction), false, null);
    }

    private HintSource connect(FakeKernel kernel, VirtioSettings settings) throws Exception {
        int before = publisher.publications();
        channel = FreePageHintChannel.open(settings, layout, hostView, publisher);
        driver = GuestDrivers.start(HintSource.TRANSPORT_VIRTIO_BALLOON, channel.doorbellPath(), kernel);
        assertThat(driver.transport()).isEqualTo("virtio-balloon");
        return publisher.awaitPublications(before + 1, WAIT).source;
    }

    /** The max-order blocks wholly free in {@code free}: what the virtio driver can hint. */
    private static PageBitmap wholeBlocks(PageBitmap free) {
        PageBitmap b = new PageBitmap(free.size());
        for (long pfn = 0; pfn + BLOCK <= free.size(); pfn += BLOCK) {
            if (free.cardinality(pfn, pfn + BLOCK) == BLOCK) {
                b.setRange(pfn, pfn + BLOCK);
            }
        }
        return b;
    }

    @Test
    void aRoundHintsEveryWholeFreeBlockAndDoneGivesThemAllBack() throws Exception {
        FakeKernel kernel = kernel(0.001);
        PageBitmap expected = wholeBlocks(kernel.freePages());
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);

        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
        assertThat(kernel.blocksHeld()).as("held until DONE").isEqualTo(expected.cardinality() / BLOCK);

        request.close();
        assertThat(channel.configCommandId()).isEqualTo(Balloon.CMD_ID_DONE);
        kernel.awaitBlocksHeld(0, WAIT);
        assertThat(kernel.freePages().sameBits(FakeKernel.freePattern(layout, 5, 0.001))).isTrue();
    }

    @Test
    void aQueueSmallerThanTheBlocksStillCarriesThemAllAsTheDeviceUsesBuffers() throws Exception {
        FakeKernel kernel = kernel(0);
        PageBitmap expected = wholeBlocks(kernel.freePages());
        assertThat(expected.cardinality() / BLOCK).as("more blocks than queue entries").isGreaterThan(8);
        HintSource source = connect(kernel, settings().withQueueSize(8));
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
    }

    @Test
    void aFragmentedGuestHintsOnlyItsWholeMaxOrderBlocks() throws Exception {
        FakeKernel kernel = kernel(0.0005);
        PageBitmap free = kernel.freePages();
        PageBitmap expected = wholeBlocks(free);
        assertThat(expected.cardinality()).as("some free memory is in broken blocks").isLessThan(free.cardinality());
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.pages(layout.pfnLimit()).sameBits(expected)).isTrue();
    }

    @Test
    void theHostStopsARoundMidwayAndTheDriverKeepsItsBlocksUntilDone() throws Exception {
        CountDownLatch someTaken = new CountDownLatch(3);
        CountDownLatch goOn = new CountDownLatch(1);
        FakeKernel slow = new FakeKernel(layout, guestView, FakeKernel.freePattern(layout, 5, 0), false, null) {
            @Override
            public long takeHintBlock() {
                someTaken.countDown();
                if (someTaken.getCount() == 0) {
                    try {
                        goOn.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.takeHintBlock();
            }
        };
        HintSource source = connect(slow, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        assertThat(someTaken.await(10, TimeUnit.SECONDS)).isTrue();
        request.stop();
        assertThat(consumer.status()).isEqualTo(HintStatus.FAILED);
        assertThat(channel.configCommandId()).isEqualTo(Balloon.CMD_ID_STOP);
        goOn.countDown();
        long held = slow.blocksHeld();
        assertThat(slow.blocksTaken()).as("the round ended early").isLessThan(wholeBlocks(FakeKernel.freePattern(layout, 5, 0)).cardinality() / BLOCK);

        request.close();
        assertThat(held).as("kept after STOP").isPositive();
        slow.awaitBlocksHeld(0, WAIT);
        assertThat(consumer.sawChunkAfterFinish()).isFalse();
    }

    @Test
    void underMemoryPressureTheShrinkerGivesBlocksBackBeforeDone() throws Exception {
        FakeKernel kernel = kernel(0.001);
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        long held = kernel.blocksHeld();

        long got = kernel.pressure(BLOCK + 1); // a block and a page: two whole blocks come back
        assertThat(got).isEqualTo(2 * BLOCK);
        assertThat(kernel.blocksHeld()).isEqualTo(held - 2);
        request.close();
        kernel.awaitBlocksHeld(0, WAIT);
    }

    @Test
    void withInitOnAllocEveryHintedBlockIsZeroedWhenTaken() throws Exception {
        PageBitmap free = FakeKernel.freePattern(layout, 5, 0.001);
        long firstBlock = wholeBlocks(free).nextSetBit(0);
        byte[] junk = new byte[4096];
        java.util.Arrays.fill(junk, (byte) 0x5A);
        guestView.writeBytes(firstBlock * 4096, junk, 0, junk.length);
        FakeKernel kernel = new FakeKernel(layout, guestView, free, true, null);
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        byte[] back = new byte[4096];
        hostView.readBytes(firstBlock * 4096, back, 0, back.length);
        assertThat(back).containsOnly(0);
    }

    @Test
    void aPoisoningGuestTellsTheDeviceItsPoison() throws Exception {
        FakeKernel kernel = new FakeKernel(layout, guestView, FakeKernel.freePattern(layout, 5, 0.01), false, 0xAA);
        HintSource source = connect(kernel, settings());
        assertThat(source.pagePoison()).hasValue(0xAA);
    }

    @Test
    void roundsFollowOneAnotherUnderNewIds() throws Exception {
        FakeKernel kernel = kernel(0.001);
        HintSource source = connect(kernel, settings());
        for (long id = 1; id <= 3; id++) {
            RecordingConsumer consumer = new RecordingConsumer();
            HintRequest r = source.request(new HintRequestOptions(id, false), consumer);
            assertThat(consumer.awaitFinished(WAIT)).as("round %d", id).isEqualTo(HintStatus.READY);
            r.close();
            kernel.awaitBlocksHeld(0, WAIT);
        }
    }

    @Test
    void whenTheDeviceIsSwappedTheDriverGivesBlocksBackReconnectsAndTheSourceComesBack() throws Exception {
        FakeKernel kernel = kernel(0.001);
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(kernel.blocksHeld()).isPositive();

        channel.close();
        publisher.awaitNoneLive(WAIT);
        kernel.awaitBlocksHeld(0, WAIT);

        channel = FreePageHintChannel.open(settings(), layout, hostView, publisher);
        HintSource again = publisher.awaitPublications(2, WAIT).source;
        RecordingConsumer second = new RecordingConsumer();
        again.request(new HintRequestOptions(1, false), second);
        assertThat(second.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
    }
}
