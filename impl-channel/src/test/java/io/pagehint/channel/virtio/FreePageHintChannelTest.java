package io.pagehint.channel.virtio;

import static io.pagehint.channel.testing.Layouts.GiB;
import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.testing.ScriptedBalloonDriver;
import io.pagehint.channel.testing.SharedGuestRam;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.mmio.Mmio;
import io.pagehint.channel.virtio.ring.SplitRingLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stories of the virtio free-page-hint device and a driver stepped by hand over the doorbell and shared RAM. */
class FreePageHintChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int BLOCK = 4 * (int) MiB;
    private static final long HIGH = 4 * GiB;

    @TempDir
    Path dir;

    private final GuestMemoryLayout layout = Layouts.withHole(64 * MiB, 64 * MiB);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private SharedGuestRam hostView;
    private SharedGuestRam guestView;
    private FreePageHintChannel channel;
    private ScriptedBalloonDriver driver;

    @BeforeEach
    void open() throws IOException {
        hostView = SharedGuestRam.map(dir.resolve("ram"), layout);
        guestView = SharedGuestRam.map(dir.resolve("ram"), layout);
        channel = FreePageHintChannel.open(settings(), layout, hostView, publisher);
    }

    private VirtioSettings settings() {
        return VirtioSettings.defaults("vm1", dir.resolve("doorbell")).withQueueSize(64).withResponseTimeout(Duration.ofMillis(500));
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        channel.close();
    }

    private HintSource attach() throws Exception {
        int before = publisher.publications();
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        driver.initialize(16, null);
        return publisher.awaitPublications(before + 1, WAIT).source;
    }

    /** The host asks; the driver sees the new id and acknowledges it. */
    private int startRound(HintSource source, long commandId, RecordingConsumer consumer) throws Exception {
        source.request(new HintRequestOptions(commandId, false), consumer);
        driver.awaitInterrupt(Mmio.INTERRUPT_CONFIG_CHANGE, WAIT);
        int id = driver.commandId();
        driver.sendCommandId(id);
        return id;
    }

    @Test
    void theDeviceIsAModernBalloonWithFreePageHintingOnAPrivateDoorbell() throws Exception {
        assertThat(PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(channel.doorbellPath())))
                .isEqualTo("rw-------");
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        assertThat(driver.read(Mmio.MAGIC_VALUE)).isEqualTo(Mmio.MAGIC);
        assertThat(driver.read(Mmio.VERSION)).isEqualTo(2);
        assertThat(driver.read(Mmio.DEVICE_ID)).isEqualTo(Balloon.DEVICE_ID);
        driver.write(Mmio.DEVICE_FEATURES_SEL, 0);
        assertThat(driver.read(Mmio.DEVICE_FEATURES)).isEqualTo((1 << Balloon.F_FREE_PAGE_HINT) | (1 << Balloon.F_PAGE_POISON));
        driver.write(Mmio.DEVICE_FEATURES_SEL, 1);
        assertThat(driver.read(Mmio.DEVICE_FEATURES)).as("VERSION_1").isEqualTo(1);
        assertThat(driver.negotiate(1L << Balloon.F_FREE_PAGE_HINT)).as("no VERSION_1, no FEATURES_OK").isFalse();
        assertThat(driver.negotiate((1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT))).isTrue();
        for (int q : new int[] {0, 1, 3}) {
            driver.write(Mmio.QUEUE_SEL, q);
            assertThat(driver.read(Mmio.QUEUE_SIZE_MAX)).as("queue %d does not exist here", q).isZero();
        }
        driver.write(Mmio.QUEUE_SEL, 2);
        assertThat(driver.read(Mmio.QUEUE_SIZE_MAX)).as("the free page queue").isEqualTo(64);
        assertThat(driver.commandId()).isEqualTo(Balloon.CMD_ID_STOP);
        assertThat(publisher.live()).as("not before DRIVER_OK").isEmpty();
    }

    @Test
    void theFreePageQueueExistsOnlyOnceFeaturesAreAcceptedAsPartBSays() throws Exception {
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        driver.write(Mmio.QUEUE_SEL, 2);
        assertThat(driver.read(Mmio.QUEUE_SIZE_MAX)).as("B.4: 0 until FEATURES_OK is accepted").isZero();
        driver.write(Mmio.QUEUE_READY, 1);
        assertThat(driver.read(Mmio.QUEUE_READY)).as("QueueReady on a queue that reads 0 is ignored").isZero();
        assertThat(driver.negotiate((1L << Mmio.F_VERSION_1) | (1L << Balloon.F_PAGE_POISON))).isTrue();
        driver.write(Mmio.QUEUE_SEL, 2);
        assertThat(driver.read(Mmio.QUEUE_SIZE_MAX)).as("still 0 without FREE_PAGE_HINT").isZero();
        driver.write(Mmio.STATUS, 0);
        assertThat(driver.negotiate((1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT))).isTrue();
        driver.write(Mmio.QUEUE_SEL, 2);
        assertThat(driver.read(Mmio.QUEUE_SIZE_MAX)).isEqualTo(64);
        driver.write(Mmio.STATUS, 0);
        driver.write(Mmio.QUEUE_SEL, 2);
        assertThat(driver.read(Mmio.QUEUE_SIZE_MAX)).as("0 again after a reset").isZero();
    }

    @Test
    void aRoundCarriesTheDriversBlocksToTheConsumerAndItsStopMakesTheRequestReady() throws Exception {
        HintSource source = attach();
        assertThat(publisher.live().get(0).properties).containsEntry(HintSource.TRANSPORT, HintSource.TRANSPORT_VIRTIO_BALLOON)
                .containsEntry("vm.id", "vm1");
        RecordingConsumer consumer = new RecordingConsumer();
        int id = startRound(source, 7, consumer);
        assertThat(id).as("the first wire id").isEqualTo(Balloon.CMD_ID_FIRST);
        driver.sendBlock(8 * MiB, BLOCK);
        driver.sendBlock(12 * MiB, BLOCK);
        driver.sendBlock(HIGH + 16 * MiB, BLOCK);
        driver.notifyQueue();
        consumer.awaitChunks(1, WAIT);
        assertThat(consumer.status()).isNull();

        driver.sendCommandId(Balloon.CMD_ID_STOP);
        driver.notifyQueue();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        HintChunk.Ranges chunk = (HintChunk.Ranges) consumer.chunks().get(0);
        assertThat(chunk.commandId()).as("the engine's id, not the wire's").isEqualTo(7);
        assertThat(chunk.startAndCount()).as("adjacent blocks merged")
                .containsExactly(8 * MiB / 4096, 2048, (HIGH + 16 * MiB) / 4096, 1024);
        assertThat(driver.reclaim()).as("every buffer comes back used").isEqualTo(5);
    }

    @Test
    void aSlowDeviceOfTheTestsStillHandsEveryHintOnBeforeTheRoundEnds() throws Exception {
        channel.close();
        channel = FreePageHintChannel.open(settings(), Duration.ofMillis(100), layout, hostView, publisher);
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        startRound(source, 3, consumer);
        driver.sendBlock(8 * MiB, BLOCK);
        driver.notifyQueue();
        driver.sendCommandId(Balloon.CMD_ID_STOP);
        driver.notifyQueue();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(((HintChunk.Ranges) consumer.chunks().get(0)).startAndCount()).containsExactly(8 * MiB / 4096, 1024);
    }

    @Test
    void aDriverThatCouldNotSetUpItsQueueIsPublishedAndItsRequestsSayWhy() throws Exception {
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        assertThat(driver.negotiate((1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT))).isTrue();
        driver.write(Mmio.STATUS, Mmio.STATUS_ACKNOWLEDGE | Mmio.STATUS_DRIVER | Mmio.STATUS_FEATURES_OK | Mmio.STATUS_FAILED);
        HintSource source = publisher.awaitPublications(1, WAIT).source;

        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(consumer.detail()).contains("set FAILED").contains("could not set up its queue");
    }

    @Test
    void aDriverThatDoesNotFinishSettingUpIsPublishedAfterTheResponseTimeoutAndItsRequestsSayWhy() throws Exception {
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        assertThat(driver.negotiate((1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT))).isTrue();
        // ... and no more: a paused guest runs no driver code
        HintSource source = publisher.awaitPublications(1, WAIT).source;

        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(consumer.detail()).contains("has not finished setting up the device").contains("Status 0xb").contains("paused");
        driver.close();
        driver = null;
        publisher.awaitNoneLive(WAIT);
    }

    @Test
    void aRoundWithoutABlockEndsReadyAndSaysWhyThereWasNone() throws Exception {
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        startRound(source, 4, consumer);
        driver.sendCommandId(Balloon.CMD_ID_STOP); // no free block of the hint order
        driver.notifyQueue();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.detail()).contains("hinted no free block");

        RecordingConsumer second = new RecordingConsumer();
        startRound(source, 5, second);
        driver.sendBlock(8 * MiB, BLOCK);
        driver.sendCommandId(Balloon.CMD_ID_STOP);
        driver.notifyQueue();
        assertThat(second.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(second.detail()).isEmpty();

        RecordingConsumer third = new RecordingConsumer();
        startRound(source, 6, third);
        driver.sendCommandId(Balloon.CMD_ID_STOP); // nothing new: the driver still holds the block of round 5
        driver.notifyQueue();
        assertThat(third.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(third.detail()).as("a normal later round, no remark").isEmpty();
    }

    @Test
    void blocksOutsideAStartedRoundAreIgnoredAndReturned() throws Exception {
        HintSource source = attach();
        driver.sendBlock(8 * MiB, BLOCK); // no round yet
        driver.notifyQueue();
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        driver.awaitInterrupt(Mmio.INTERRUPT_CONFIG_CHANGE, WAIT);
        driver.sendBlock(12 * MiB, BLOCK); // before the acknowledgement
        driver.sendCommandId(99); // an id the device never gave
        driver.sendCommandId(Balloon.CMD_ID_STOP);
        driver.notifyQueue();
        driver.sendCommandId(driver.commandId());
        driver.sendCommandId(Balloon.CMD_ID_STOP);
        driver.notifyQueue();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.chunks()).isEmpty();
        assertThat(driver.reclaim()).isEqualTo(6);
        // the two blocks, the unknown id and the STOP before the round started; the last STOP ends the round
        assertThat(source.staleMessagesDropped()).as("stale buffers, counted as Part A counts stale frames").isEqualTo(4);
    }

    @Test
    void aNewRequestSupersedesTheRoundStopWritesStopAndCloseWritesDone() throws Exception {
        HintSource source = attach();
        RecordingConsumer first = new RecordingConsumer();
        int id = startRound(source, 1, first);
        driver.sendBlock(8 * MiB, BLOCK);
        driver.notifyQueue();
        first.awaitChunks(1, WAIT);

        RecordingConsumer secondConsumer = new RecordingConsumer();
        HintRequest second = source.request(new HintRequestOptions(2, false), secondConsumer);
        assertThat(first.awaitFinished(WAIT)).as("superseded").isEqualTo(HintStatus.FAILED);
        driver.awaitInterrupt(Mmio.INTERRUPT_CONFIG_CHANGE, WAIT);
        int secondId = driver.commandId();
        assertThat(secondId).as("a new wire id, never reused").isEqualTo(id + 1);

        second.stop();
        assertThat(driver.commandId()).isEqualTo(Balloon.CMD_ID_STOP);
        driver.sendCommandId(secondId); // the driver acknowledges late: the round is over
        driver.sendBlock(12 * MiB, BLOCK);
        driver.notifyQueue();
        second.close();
        assertThat(driver.commandId()).isEqualTo(Balloon.CMD_ID_DONE);
        assertThat(secondConsumer.chunks()).isEmpty();
        assertThat(first.chunks()).hasSize(1);
        assertThat(first.sawChunkAfterFinish()).isFalse();
    }

    @Test
    void aBlockOutsideUsableRamResetsTheDeviceAndNothingOfItsPassIsHandedOn() throws Exception {
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        startRound(source, 1, consumer);
        driver.sendBlock(8 * MiB, BLOCK); // fine
        driver.sendBlock(62 * MiB, BLOCK); // runs 2 MiB into the hole
        driver.notifyQueue();

        driver.awaitInterrupt(Mmio.INTERRUPT_CONFIG_CHANGE, WAIT);
        assertThat(driver.read(Mmio.STATUS) & Mmio.STATUS_DEVICE_NEEDS_RESET).isNotZero();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.chunks()).as("not even the good block of that pass").isEmpty();
        publisher.awaitNoneLive(WAIT);

        // the driver resets and starts over; the source comes back
        driver.initialize(16, null);
        HintSource again = publisher.awaitPublications(2, WAIT).source;
        RecordingConsumer next = new RecordingConsumer();
        startRound(again, 2, next);
        driver.sendBlock(8 * MiB, BLOCK);
        driver.sendCommandId(Balloon.CMD_ID_STOP);
        driver.notifyQueue();
        assertThat(next.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(next.chunks()).hasSize(1);
    }

    @Test
    void unalignedBlocksAndBlocksInTheLegacyAreaAreDeviceErrors() throws Exception {
        HintSource source = attach();
        long commandId = 1;
        for (long[] bad : new long[][] {{8 * MiB + 512, BLOCK}, {8 * MiB, 4096 + 1}, {0x9F000, 8192}}) {
            RecordingConsumer consumer = new RecordingConsumer();
            startRound(source, commandId++, consumer);
            driver.sendBlock(bad[0], (int) bad[1]);
            driver.notifyQueue();
            assertThat(consumer.awaitFinished(WAIT)).as("block %x+%d", bad[0], bad[1]).isEqualTo(HintStatus.FAILED);
            assertThat(consumer.chunks()).isEmpty();
            publisher.awaitNoneLive(WAIT);
            int before = publisher.publications();
            driver.initialize(16, null); // the driver resets the device and starts over
            source = publisher.awaitPublications(before + 1, WAIT).source;
        }
    }

    @Test
    void anAvailableIndexThatJumpsIsADeviceError() throws Exception {
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        startRound(source, 1, consumer);
        SplitRingLayout ring = driver.queue().layout();
        guestView.writeShortRelease(ring.availRing() + 2, (short) 300);
        driver.notifyQueue();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.detail()).contains("jumped");
        assertThat(driver.read(Mmio.STATUS) & Mmio.STATUS_DEVICE_NEEDS_RESET).isNotZero();
    }

    @Test
    void aDriverThatNeverAcknowledgesIsResetWithinTheTimeout() throws Exception {
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.detail()).contains("did not answer");
        publisher.awaitNoneLive(WAIT);
    }

    @Test
    void garbageOnTheDoorbellClosesItAndResetsTheDevice() throws Exception {
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        driver.sendRaw(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
        driver.awaitClosed(WAIT);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        publisher.awaitNoneLive(WAIT);
        assertThat(channel.configCommandId()).isEqualTo(Balloon.CMD_ID_STOP);
    }

    @Test
    void aQueueOutsideRamIsRefused() throws Exception {
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        assertThat(driver.negotiate((1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT))).isTrue();
        // the rings would run into the hole
        assertThat(driver.registerQueue(2, SplitRingLayout.contiguous(64 * MiB - 128, 16))).isZero();
        assertThat(driver.read(Mmio.STATUS) & Mmio.STATUS_DEVICE_NEEDS_RESET).isNotZero();
    }

    @Test
    void withoutADriverRequestsAreUnsupported() throws Exception {
        RecordingConsumer consumer = new RecordingConsumer();
        channel.source().request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.status()).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(channel.source().memInfo(WAIT)).as("no section 7a on the balloon").isEmpty();
    }

    @Test
    void thePoisonValueIsTheGuestsWhenItIsOneByteRepeated() throws Exception {
        driver = ScriptedBalloonDriver.connect(channel.doorbellPath(), guestView);
        driver.initialize(16, 0xAAAAAAAA);
        HintSource source = publisher.awaitPublications(1, WAIT).source;
        assertThat(source.pagePoison()).hasValue(0xAA);

        driver.initialize(16, 0x12345678); // reset, and a driver whose poison is not one byte repeated
        HintSource odd = publisher.awaitPublications(2, WAIT).source;
        RecordingConsumer consumer = new RecordingConsumer();
        odd.request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.status()).isEqualTo(HintStatus.UNSUPPORTED);
    }

    @Test
    void closingTheDeviceWithdrawsTheSourceTellsTheDriverDoneAndRemovesTheDoorbell() throws Exception {
        HintSource source = attach();
        RecordingConsumer consumer = new RecordingConsumer();
        startRound(source, 1, consumer);
        Path doorbell = channel.doorbellPath();
        channel.close();
        assertThat(publisher.live()).isEmpty();
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        driver.awaitClosed(WAIT);
        assertThat(doorbell).doesNotExist();

        channel = FreePageHintChannel.open(settings(), layout, hostView, publisher);
        driver.close();
        HintSource again = attach();
        assertThat(again.isGuestConnected()).isTrue();
    }
}
