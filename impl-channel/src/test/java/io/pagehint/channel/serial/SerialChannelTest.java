package io.pagehint.channel.serial;

import static io.pagehint.channel.testing.Layouts.GiB;
import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintException;
import io.pagehint.api.hint.HintRequest;
import io.pagehint.api.hint.HintRequestOptions;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.channel.serial.wire.ErrorCode;
import io.pagehint.channel.serial.wire.Features;
import io.pagehint.channel.serial.wire.Frame;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.serial.wire.Message.BitmapDone;
import io.pagehint.channel.serial.wire.Message.BitmapRequest;
import io.pagehint.channel.serial.wire.Message.ChunkRanges;
import io.pagehint.channel.serial.wire.Message.ChunkWords;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.MemInfo;
import io.pagehint.channel.serial.wire.Message.MemInfoRequest;
import io.pagehint.channel.serial.wire.Message.Stop;
import io.pagehint.channel.serial.wire.Message.Welcome;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.testing.ScriptedGuest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stories of the serial host end talking to a guest driven frame by frame over its real socket. */
class SerialChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long HIGH = 4 * GiB / 4096;

    @TempDir
    Path dir;

    private final GuestMemoryLayout layout = Layouts.withHole(64 * MiB, 64 * MiB);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private SerialChannel channel;
    private ScriptedGuest guest;

    @BeforeEach
    void open() throws IOException {
        channel = SerialChannel.open(settings(), layout, publisher);
    }

    private SerialSettings settings() {
        // the hello timeout is the test's wait: a short one made the scripted guest's HELLO lose the race
        // on a loaded machine (the port had closed: "Broken pipe"); the one test of it sets its own
        return SerialSettings.defaults("vm1", dir.resolve("serial.sock")).withResponseTimeout(Duration.ofMillis(500))
                .withHelloTimeout(WAIT);
    }

    @AfterEach
    void close() throws IOException {
        if (guest != null) {
            guest.close();
        }
        channel.close();
    }

    /** Connects the scripted guest and completes the handshake; returns the published source. */
    private HintSource attach(long features) throws Exception {
        int before = publisher.publications();
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.send(new Hello(Frame.MAX_FRAME, 4096, features, 0));
        Welcome w = guest.expect(Welcome.class, WAIT);
        assertThat(w.features()).isEqualTo(features & Features.KNOWN);
        return publisher.awaitPublications(before + 1, WAIT).source;
    }

    @Test
    void theSourceIsPublishedOnlyOnceTheGuestHasSaidHello() throws Exception {
        assertThat(publisher.live()).isEmpty();
        assertThat(channel.source().isGuestConnected()).isFalse();
        HintSource source = attach(Features.RANGES);
        RecordingPublisher.Entry entry = publisher.live().get(0);
        assertThat(entry.properties).containsEntry(HintSource.TRANSPORT, HintSource.TRANSPORT_SERIAL).containsEntry("vm.id", "vm1");
        assertThat(source.isGuestConnected()).isTrue();
        assertThat(source.transport()).isEqualTo("virtio-serial");
    }

    @Test
    void chunksReachTheConsumerAsTheyArriveAndDoneMakesTheRequestReady() throws Exception {
        HintSource source = attach(Features.RANGES);
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        BitmapRequest asked = guest.expect(BitmapRequest.class, WAIT);
        assertThat(asked.commandId()).isEqualTo(1);

        guest.send(new ChunkWords(1, 0x100, new long[] {0xFFL, 0, 1L << 63}));
        consumer.awaitChunks(1, WAIT);
        assertThat(request.status()).as("still building in the guest").isEqualTo(HintStatus.IN_PROGRESS);

        guest.send(new ChunkRanges(1, new long[] {HIGH, 1024, HIGH + 4096, 3}));
        guest.send(new BitmapDone(1, 8 + 1 + 1024 + 3, 2, BitmapDone.COMPLETE));
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.chunks()).hasSize(2);
        assertThat(consumer.pages(layout.pfnLimit()).cardinality()).isEqualTo(8 + 1 + 1024 + 3);
        assertThat(consumer.chunks().get(1)).isInstanceOf(HintChunk.Ranges.class);
    }

    @Test
    void thePollingFormReportsInProgressThenReadyWithTheBitmap() throws Exception {
        HintSource source = attach(0);
        var bitmap = source.requestBitmap(new HintRequestOptions(1, true), layout.pfnLimit(), 4096);
        BitmapRequest asked = guest.expect(BitmapRequest.class, WAIT);
        assertThat(asked.dropCleanCache()).as("drop cache was not negotiated").isFalse();
        assertThat(bitmap.status()).isEqualTo(HintStatus.IN_PROGRESS);
        guest.send(new ChunkWords(1, 0x200, new long[] {0b1011}));
        guest.send(new BitmapDone(1, 3, 1, BitmapDone.COMPLETE));
        assertThat(bitmap.await(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(bitmap.bitmap().bits().get(0x200)).isTrue();
        assertThat(bitmap.bitmap().bits().get(0x202)).isFalse();
        assertThat(bitmap.bitmap().bits().cardinality()).isEqualTo(3);
    }

    @Test
    void dropCacheIsAskedForWhenTheGuestOffersIt() throws Exception {
        HintSource source = attach(Features.DROP_CACHE);
        source.request(new HintRequestOptions(1, true), new RecordingConsumer());
        assertThat(guest.expect(BitmapRequest.class, WAIT).dropCleanCache()).isTrue();
    }

    @Test
    void afterStopReturnsNoChunkIsHandedOnAndTheGuestIsToldToStop() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer consumer = new RecordingConsumer();
        HintRequest request = source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new ChunkWords(1, 0x100, new long[] {1}));
        consumer.awaitChunks(1, WAIT);

        request.stop();
        assertThat(consumer.status()).isEqualTo(HintStatus.FAILED);
        assertThat(guest.expect(Stop.class, WAIT).commandId()).isEqualTo(1);
        // the guest had more in flight: it is stale now, dropped without harm
        guest.send(new ChunkWords(1, 0x140, new long[] {1}));
        guest.send(new BitmapDone(1, 2, 2, BitmapDone.STOPPED));
        // the channel is still healthy: a new request works
        RecordingConsumer next = new RecordingConsumer();
        source.request(new HintRequestOptions(2, false), next);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new BitmapDone(2, 0, 0, BitmapDone.COMPLETE));
        assertThat(next.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(consumer.chunks()).hasSize(1);
        assertThat(consumer.sawChunkAfterFinish()).isFalse();
        assertThat(consumer.finishCalls()).isEqualTo(1);
    }

    @Test
    void stopWaitsForAChunkBeingHandedOnAndNoneStartsAfterIt() throws Exception {
        HintSource source = attach(0);
        CountDownLatch inChunk = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        RecordingConsumer slow = new RecordingConsumer() {
            @Override
            public void onChunk(HintChunk chunk) {
                inChunk.countDown();
                release.join();
                super.onChunk(chunk);
            }
        };
        HintRequest request = source.request(new HintRequestOptions(1, false), slow);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new ChunkWords(1, 0x100, new long[] {1}));
        assertThat(inChunk.await(5, TimeUnit.SECONDS)).isTrue();

        Thread stopping = new Thread(request::stop, "stopping");
        stopping.start();
        // only once stop() has returned or blocked does "it has not returned" say that it waits
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (stopping.getState() == Thread.State.NEW || stopping.getState() == Thread.State.RUNNABLE) {
            assertThat(System.nanoTime() - deadline).as("stop() neither returned nor blocked within " + WAIT).isNegative();
            stopping.join(1);
        }
        assertThat(stopping.getState()).as("stop waits for the chunk in hand").isNotEqualTo(Thread.State.TERMINATED);
        assertThat(slow.finishCalls()).as("the request has not ended while its chunk is in hand").isZero();
        release.complete(null);
        stopping.join(WAIT.toMillis());
        assertThat(stopping.isAlive()).as("stop returns once the chunk is handed on").isFalse();
        assertThat(slow.chunks()).hasSize(1);
        assertThat(slow.status()).isEqualTo(HintStatus.FAILED);
    }

    @Test
    void aChunkOutsideUsableRamIsAnErrorNothingOfItIsAppliedAndTheChannelIsReset() throws Exception {
        HintSource source = attach(Features.RANGES);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        long endOfLow = 64 * MiB / 4096;
        // valid pages, then one run that reaches one page into the hole
        guest.send(new ChunkRanges(1, new long[] {0x100, 16, endOfLow - 4, 5}));

        Message.Error error = guest.awaitClosed(WAIT);
        assertThat(error.errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.detail()).contains("not usable");
        assertThat(consumer.chunks()).as("no hint from the bad chunk").isEmpty();
        publisher.awaitNoneLive(WAIT);
    }

    @Test
    void wordsMarkingTheLegacyAreaAreRefused() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new ChunkWords(1, 0x80, new long[] {1L << 32})); // PFN 0xA0: legacy VGA
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.chunks()).isEmpty();
    }

    @Test
    void aCommandIdThatWasNeverIssuedResetsTheChannel() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(3, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new ChunkWords(4, 0x100, new long[] {1}));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_COMMAND_ID);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.chunks()).isEmpty();
    }

    @Test
    void doneWithTotalsThatDoNotMatchWhatArrivedIsAnError() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new ChunkWords(1, 0x100, new long[] {3}));
        guest.send(new BitmapDone(1, 5, 1, BitmapDone.COMPLETE));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
    }

    @Test
    void aGuestThatStopsAnsweringFailsTheRequestWithinTheTimeoutAndIsReset() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        // the guest says nothing more: the session's own response timeout (500 ms here) ends the request, no clock of the test's
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.detail()).isEqualTo("guest did not answer within 500 ms");
        guest.awaitClosed(WAIT);
        publisher.awaitNoneLive(WAIT);
        assertThat(source.isGuestConnected()).isFalse();
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() throws Exception {
        channel.close();
        channel = SerialChannel.open(settings().withHelloTimeout(Duration.ofMillis(500)), layout, publisher);
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.awaitClosed(WAIT);
        assertThat(publisher.publications()).isZero();
    }

    @Test
    void aGuestWithAnotherPageSizeIsTurnedAway() throws Exception {
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.send(new Hello(Frame.MAX_FRAME, 65536, 0, 0));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE);
        assertThat(publisher.publications()).isZero();
    }

    @Test
    void dataBeforeHelloIsAnError() throws Exception {
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.send(new BitmapDone(1, 0, 0, 0));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_STATE);
    }

    @Test
    void randomBytesAreAnErrorNotACrash() throws Exception {
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_MAGIC);
        // the port still serves the next guest
        assertThat(attach(0).isGuestConnected()).isTrue();
    }

    @Test
    void memoryInfoIsAskedAndAnswered() throws Exception {
        HintSource source = attach(0);
        CompletableFuture<GuestMemInfo> info = CompletableFuture.supplyAsync(() -> {
            try {
                return source.memInfo(WAIT).orElseThrow();
            } catch (HintException e) {
                throw new IllegalStateException(e);
            }
        });
        MemInfoRequest asked = guest.expect(MemInfoRequest.class, WAIT);
        guest.send(new MemInfo(asked.tag(), 30_000, 1_000, layout.pfnLimit() - 1, 4096));
        assertThat(info.get(5, TimeUnit.SECONDS)).isEqualTo(new GuestMemInfo(30_000, 1_000, layout.pfnLimit() - 1, 4096));
    }

    @Test
    void memoryInfoThatNeverComesIsAnErrorAndAReset() throws Exception {
        HintSource source = attach(0);
        assertThatThrownBy(() -> source.memInfo(Duration.ofMillis(200))).isInstanceOf(HintException.class)
                .hasMessageContaining("did not answer");
        guest.awaitClosed(WAIT);
    }

    @Test
    void withoutAGuestRequestsAreUnsupportedAndMemoryInfoIsUnknown() throws Exception {
        RecordingConsumer consumer = new RecordingConsumer();
        channel.source().request(new HintRequestOptions(1, false), consumer);
        assertThat(consumer.status()).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(channel.source().memInfo(WAIT)).isEmpty();
        assertThatThrownBy(() -> channel.source().request(new HintRequestOptions(1, false), consumer))
                .as("command ids only go up").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGuestThatPoisonsFreePagesIsHeardWhenTheHostAcceptsIt() throws Exception {
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.send(new Hello(Frame.MAX_FRAME, 4096, Features.PAGE_POISON, 0xAA));
        assertThat(guest.expect(Welcome.class, WAIT).features()).isEqualTo(Features.PAGE_POISON);
        HintSource source = publisher.awaitPublications(1, WAIT).source;
        assertThat(source.pagePoison()).hasValue(0xAA);
    }

    @Test
    void aRefusedRequestIsUnsupportedAndTheChannelStaysUp() throws Exception {
        channel.close();
        channel = SerialChannel.open(settings().withAcceptPagePoison(false), layout, publisher);
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.send(new Hello(Frame.MAX_FRAME, 4096, Features.PAGE_POISON, 0xAA));
        assertThat(guest.expect(Welcome.class, WAIT).features()).isZero();
        HintSource source = publisher.awaitPublications(1, WAIT).source;
        assertThat(source.pagePoison()).isEmpty();
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        guest.send(new Message.Error(ErrorCode.REFUSED, 1, "free pages are poisoned"));
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.UNSUPPORTED);
        assertThat(source.isGuestConnected()).isTrue();
    }

    @Test
    void aSecondGuestIsTurnedAwayWhileTheFirstIsServed() throws Exception {
        attach(0);
        try (ScriptedGuest second = ScriptedGuest.connect(channel.socketPath())) {
            assertThat(second.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_STATE);
        }
        assertThat(channel.source().isGuestConnected()).isTrue();
    }

    @Test
    void closingThePortWithdrawsTheSourceTellsTheGuestAndRemovesTheSocket() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        Path socket = channel.socketPath();

        channel.close();
        assertThat(publisher.live()).isEmpty();
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.SHUTDOWN);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(socket).doesNotExist();

        // hot swap: a new port on the same path serves the guest again, and the source comes back
        guest.close();
        channel = SerialChannel.open(settings(), layout, publisher);
        assertThat(attach(0).isGuestConnected()).isTrue();
        assertThat(publisher.live()).hasSize(1);
    }
}
