package io.pagehint.guest.driver.virtio;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.testing.Await;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.virtio.FreePageHintChannel;
import io.pagehint.channel.virtio.VirtioSettings;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import io.pagehint.guest.driver.GuestFixture;
import io.pagehint.guest.driver.InterposedHints;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.guest.kernel.HintingSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The virtio balloon driver on the reference kernel against the real device over its doorbell;
 * the rings live in guest RAM that the guest and the host map from one file.
 */
class VirtioBalloonDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int ORDER = 10;
    private static final long BLOCK = 1L << ORDER;

    @TempDir
    Path dir;

    private final RecordingPublisher publisher = new RecordingPublisher();
    private GuestFixture guest;
    private FreePageHintChannel channel;
    private GuestDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (guest != null) {
            guest.close();
        }
    }

    private VirtioSettings settings() {
        return VirtioSettings.defaults("guest-1", dir.resolve("doorbell"));
    }

    private GuestKernel boot(BootOptions options) {
        guest = GuestFixture.boot(GuestFixture.pc(512, 256), options);
        return guest.kernel();
    }

    private HintSource connect(HintingSupport kernel, VirtioSettings settings) throws Exception {
        int before = publisher.publications();
        channel = FreePageHintChannel.open(settings, guest.layout(), guest.hostMemory(), publisher);
        driver = GuestDrivers.start(HintSource.TRANSPORT_VIRTIO_BALLOON, channel.doorbellPath(), kernel);
        assertThat(driver.transport()).isEqualTo("virtio-balloon");
        return publisher.awaitPublications(before + 1, WAIT).source;
    }

    private void awaitHeldBlocks(long blocks) throws InterruptedException {
        Await.until(WAIT, blocks + " hint blocks held", () -> guest.kernel().hintPages() == blocks * BLOCK);
    }

    @Test
    void aDriverWithNoMemoryForItsRingsTellsTheDeviceFailedAndTheRequestSaysSo() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        while (kernel.allocAnon(0) >= 0) {
            // memory pressure: the workloads took everything above the watermark
        }
        int rings = 0;
        try {
            while (true) {
                kernel.allocKernelPages(3); // and the kernel the reserve, in pieces as large as the rings
                rings++;
            }
        } catch (IllegalStateException expected) {
            assertThat(rings).isPositive();
        }
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(consumer.detail()).contains("set FAILED").contains("could not set up its queue");
        assertThat(kernel.hintPages()).isZero();
    }

    @Test
    void theSelfCheckChecksTheQueueTheDriverRecordedInTheKernel() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        HintingSupport.HintQueue q = kernel.hintQueue().orElseThrow();
        assertThat(q.size()).isEqualTo(1024);
        assertThat(selfCheck()).isEmpty();

        var ram = guest.hostMemory(); // corruptions behind the guest's back
        int usedIdx = ram.readShort(q.usedRing() + 2) & 0xffff;
        ram.writeInt(q.commandIdSlots() + 4, 7);
        assertThat(selfCheck()).singleElement().asString().contains("STOP slot holds 7");
        ram.writeInt(q.commandIdSlots() + 4, 0);

        ram.writeInt(q.usedRing() + 4 + 4, 5); // the length of used element 0
        assertThat(selfCheck()).singleElement().asString().contains("used element 0").contains("length 5");
        ram.writeInt(q.usedRing() + 4 + 4, 0);

        int slot = usedIdx & (q.size() - 1);
        ram.writeShort(q.availRing() + 4 + 2L * slot, (short) 3);
        ram.writeLong(q.descTable() + 16 * 3, 0x12345000L); // not a block of the hint order
        ram.writeShort(q.availRing() + 2, (short) (usedIdx + 1)); // one buffer in flight
        assertThat(selfCheck()).singleElement().asString().contains("descriptor 3 (0x12345000");

        ram.writeShort(q.availRing() + 2, (short) (usedIdx + q.size() + 1));
        assertThat(selfCheck()).singleElement().asString().contains("more than its 1024 entries");
    }

    @Test
    void aDriverOfAKernelTakenUpAgainUsesTheQueuePagesRecordedInRamInsteadOfTakingNewOnes() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        connect(kernel, settings());
        HintingSupport.HintQueue first = kernel.hintQueue().orElseThrow();
        driver.close(); // the driver of the source's process is gone
        driver = null;
        channel.close();
        Await.until(WAIT, "the first driver's blocks back", () -> kernel.hintPages() == 0);
        long free = kernel.freePages();

        connect(kernel, settings()); // a new driver, as in the process that takes the kernel up
        assertThat(kernel.hintQueue()).hasValue(first);
        assertThat(kernel.freePages()).as("no new kernel pages for the rings").isEqualTo(free);
    }

    private java.util.List<String> selfCheck() throws java.io.IOException {
        try (io.pagehint.reference.ram.RamImage image = io.pagehint.reference.ram.RamImage.open(guest.dir().resolve("ram"), guest.layout())) {
            return io.pagehint.guest.kernel.SelfCheck.run(image).problems();
        }
    }

    @Test
    void aRoundHintsEveryWholeFreeBlockAndDoneGivesThemAllBack() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        PageBitmap freeBefore = guest.freePages();
        HintSource source = connect(kernel, settings());
        PageBitmap expected = GuestFixture.wholeBlocks(guest.freePages(), ORDER); // the driver's rings are taken now
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);

        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(GuestFixture.allWholeBlocksButTheReserve(consumer.pages(guest.layout().pfnLimit()), expected, guest.layout(), ORDER)).isTrue();
        assertThat(kernel.hintPages()).as("held until DONE").isEqualTo(consumer.pages(guest.layout().pfnLimit()).cardinality());

        request.close();
        assertThat(channel.configCommandId()).isEqualTo(Balloon.CMD_ID_DONE);
        awaitHeldBlocks(0);
        PageBitmap freeAfter = guest.freePages();
        freeAfter.or(ringPages(freeBefore, freeAfter));
        assertThat(freeAfter.sameBits(freeBefore)).as("every block went back to the free lists").isTrue();
    }

    /** The pages the driver took for its rings: free before it started, not free now. */
    private static PageBitmap ringPages(PageBitmap before, PageBitmap after) {
        PageBitmap rings = before.copy();
        rings.andNot(after);
        assertThat(rings.cardinality()).as("only the ring pages").isLessThanOrEqualTo(16);
        return rings;
    }

    @Test
    void aQueueSmallerThanTheBlocksStillCarriesThemAllAsTheDeviceUsesBuffers() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        HintSource source = connect(kernel, settings().withQueueSize(8));
        PageBitmap expected = GuestFixture.wholeBlocks(guest.freePages(), ORDER);
        assertThat(expected.cardinality() / BLOCK).as("far more blocks than queue entries").isGreaterThan(64);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(GuestFixture.allWholeBlocksButTheReserve(consumer.pages(guest.layout().pfnLimit()), expected, guest.layout(), ORDER)).isTrue();
    }

    @Test
    void aFragmentedGuestHintsOnlyItsWholeMaxOrderBlocks() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        HintSource source = connect(kernel, settings());
        guest.fragment(0.3, 9);
        PageBitmap free = guest.freePages();
        PageBitmap expected = GuestFixture.wholeBlocks(free, ORDER);
        assertThat(expected.cardinality()).as("free pages in broken blocks, which virtio cannot hint").isLessThan(free.cardinality());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(GuestFixture.allWholeBlocksButTheReserve(consumer.pages(guest.layout().pfnLimit()), expected, guest.layout(), ORDER)).isTrue();
    }

    @Test
    void theHostStopsARoundMidwayAndTheDriverKeepsItsBlocksUntilDone() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        CountDownLatch someTaken = new CountDownLatch(3);
        CountDownLatch goOn = new CountDownLatch(1);
        HintingSupport slow = new InterposedHints(kernel) {
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
        long wholeBlocks = GuestFixture.wholeBlocks(guest.freePages(), ORDER).cardinality() / BLOCK;
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        assertThat(someTaken.await(10, TimeUnit.SECONDS)).isTrue();
        request.stop();
        assertThat(consumer.status()).isEqualTo(HintStatus.FAILED);
        assertThat(channel.configCommandId()).isEqualTo(Balloon.CMD_ID_STOP);
        goOn.countDown();
        Await.until(WAIT, "the driver to hold what it took", () -> kernel.hintPages() > 0);

        // how far the round got before the driver saw STOP is the scheduler's business; what it took, it keeps
        long held = kernel.hintPages() / BLOCK;
        assertThat(held).as("blocks kept after STOP").isBetween(1L, wholeBlocks);
        long hintedAtStop = consumer.pages(guest.layout().pfnLimit()).cardinality();
        assertThat(hintedAtStop).as("only blocks taken before the stop were hinted").isLessThanOrEqualTo(3 * BLOCK);
        request.close();
        awaitHeldBlocks(0);
        assertThat(consumer.sawChunkAfterFinish()).isFalse();
    }

    @Test
    void underMemoryPressureTheShrinkerGivesBlocksBackBeforeDone() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        long held = kernel.hintPages();
        long stillFree = kernel.freePages();

        // a workload needs more than is left on the free lists: the kernel asks the shrinker
        List<Long> pages = new ArrayList<>();
        for (long i = 0; i < stillFree + 3 * BLOCK; i++) {
            long pfn = kernel.allocAnon(0);
            assertThat(pfn).as("allocation %d of %d", i, stillFree + 3 * BLOCK).isNotNegative();
            pages.add(pfn);
        }
        assertThat(kernel.hintPages()).as("blocks went back before DONE").isLessThanOrEqualTo(held - 3 * BLOCK);
        assertThat(kernel.allocationFailures()).isZero();
        pages.forEach(kernel::freeAnon);
        request.close();
        awaitHeldBlocks(0);
    }

    @Test
    void withInitOnAllocEveryHintedBlockIsZeroedWhenTaken() throws Exception {
        GuestKernel kernel = boot(new BootOptions(true, false, false, BootOptions.FreeBitmapMode.WALK));
        HintSource source = connect(kernel, settings());
        long firstBlock = GuestFixture.wholeBlocks(guest.freePages(), ORDER).nextSetBit(0);
        byte[] junk = new byte[4096];
        java.util.Arrays.fill(junk, (byte) 0x5A);
        guest.hostMemory().writeBytes(firstBlock * 4096, junk, 0, junk.length); // stale data in a free page
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.pages(guest.layout().pfnLimit()).get(firstBlock)).isTrue();
        byte[] back = new byte[4096];
        guest.hostMemory().readBytes(firstBlock * 4096, back, 0, back.length);
        assertThat(back).as("zeroed by the guest when it took the block").containsOnly(0);
    }

    @Test
    void aPoisoningGuestTellsTheDeviceItsPoison() throws Exception {
        GuestKernel kernel = boot(new BootOptions(false, false, true, BootOptions.FreeBitmapMode.WALK));
        HintSource source = connect(kernel, settings());
        assertThat(source.pagePoison()).hasValue(0xAA);
    }

    @Test
    void roundsFollowOneAnotherUnderNewIds() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        HintSource source = connect(kernel, settings());
        long first = -1;
        for (long id = 1; id <= 3; id++) {
            RecordingConsumer consumer = new RecordingConsumer();
            HintRequest r = source.request(new HintRequestOptions(id, false), consumer);
            assertThat(consumer.awaitFinished(WAIT)).as("round %d", id).isEqualTo(HintStatus.READY);
            long pages = consumer.pages(guest.layout().pfnLimit()).cardinality();
            first = first < 0 ? pages : first;
            assertThat(pages).as("round %d finds what DONE gave back", id).isEqualTo(first).isPositive();
            r.close();
            awaitHeldBlocks(0);
        }
    }

    @Test
    void whenTheDeviceIsSwappedTheDriverGivesBlocksBackReconnectsAndTheSourceComesBack() throws Exception {
        GuestKernel kernel = boot(BootOptions.defaults());
        HintSource source = connect(kernel, settings());
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(kernel.hintPages()).isPositive();

        channel.close();
        publisher.awaitNoneLive(WAIT);
        awaitHeldBlocks(0);

        channel = FreePageHintChannel.open(settings(), guest.layout(), guest.hostMemory(), publisher);
        HintSource again = publisher.awaitPublications(2, WAIT).source;
        RecordingConsumer second = new RecordingConsumer();
        again.request(new HintRequestOptions(1, false), second);
        assertThat(second.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
    }
}
