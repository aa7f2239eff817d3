package io.pagehint.channel.serial;

import static io.pagehint.channel.testing.Layouts.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.hint.HintException;
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
import io.pagehint.channel.serial.wire.Message.Welcome;
import io.pagehint.channel.serial.wire.MessageType;
import io.pagehint.channel.testing.Layouts;
import io.pagehint.channel.testing.RecordingConsumer;
import io.pagehint.channel.testing.RecordingPublisher;
import io.pagehint.channel.testing.ScriptedGuest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of PROTOCOL.md Part A that an outside client written from the document checked: each
 * case is a guest that breaks (or bends) one rule, and the error code the document names for it.
 */
class SerialProtocolRulesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long TWO_TO_63 = 1L << 63; // as an unsigned u64 on the wire

    @TempDir
    Path dir;

    private final GuestMemoryLayout layout = Layouts.withHole(64 * MiB, 64 * MiB);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private SerialChannel channel;
    private ScriptedGuest guest;

    @BeforeEach
    void open() throws IOException {
        channel = SerialChannel.open(SerialSettings.defaults("vm1", dir.resolve("serial.sock"))
                .withResponseTimeout(Duration.ofSeconds(2)).withHelloTimeout(Duration.ofSeconds(2)), layout, publisher);
    }

    @AfterEach
    void close() throws IOException {
        if (guest != null) {
            guest.close();
        }
        channel.close();
    }

    private HintSource attach(long features) throws Exception {
        int before = publisher.publications();
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.send(new Hello(Frame.MAX_FRAME, 4096, features, 0));
        guest.expect(Welcome.class, WAIT);
        return publisher.awaitPublications(before + 1, WAIT).source;
    }

    /** Attaches and starts request {@code id}; returns its consumer. */
    private RecordingConsumer requesting(long features, long id) throws Exception {
        HintSource source = attach(features);
        RecordingConsumer consumer = new RecordingConsumer();
        source.request(new HintRequestOptions(id, false), consumer);
        guest.expect(BitmapRequest.class, WAIT);
        return consumer;
    }

    private static ByteBuffer payload(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private Message.Error helloWith(int maxFrame, int pageSize) throws Exception {
        guest = ScriptedGuest.connect(channel.socketPath());
        guest.sendFrame(MessageType.HELLO, payload(24).putInt(maxFrame).putInt(pageSize).putLong(0).put(new byte[8]).flip());
        Message.Error error = guest.awaitClosed(WAIT);
        guest.close();
        guest = null;
        return error;
    }

    // ------------------------------------------------------------------ handshake (A.1 step 8, A.4 step 2)

    @Test
    void aHelloWhoseFrameSizeIsOutOfRangeIsIncompatibleNotABadField() throws Exception {
        assertThat(helloWith(Frame.MIN_FRAME - 1, 4096).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE);
        assertThat(helloWith(Frame.MAX_FRAME + 1, 4096).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE);
        assertThat(helloWith(-1, 4096).message()).contains("max_frame 4294967295");
        assertThat(publisher.publications()).isZero();
    }

    @Test
    void aHelloWhosePageSizeIsNotAPowerOfTwoIsIncompatible() throws Exception {
        assertThat(helloWith(Frame.MAX_FRAME, 6144).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE);
        assertThat(helloWith(Frame.MAX_FRAME, 2048).errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE);
        assertThat(publisher.publications()).isZero();
    }

    // ------------------------------------------------------------------ command ids (A.4, host rules)

    @Test
    void aDoneForCommandIdZeroIsABadCommandIdAsForAChunk() throws Exception {
        RecordingConsumer consumer = requesting(0, 1);
        guest.send(new BitmapDone(0, 0, 0, BitmapDone.COMPLETE));
        Message.Error error = guest.awaitClosed(WAIT);
        assertThat(error.errorCode()).isEqualTo(ErrorCode.BAD_COMMAND_ID);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
    }

    @Test
    void aDoneForACommandIdAtOrAbove2To63IsABadCommandIdNamedUnsigned() throws Exception {
        requesting(0, 1);
        guest.send(new BitmapDone(TWO_TO_63, 0, 0, BitmapDone.COMPLETE));
        Message.Error error = guest.awaitClosed(WAIT);
        assertThat(error.errorCode()).isEqualTo(ErrorCode.BAD_COMMAND_ID);
        assertThat(error.commandId()).isEqualTo(TWO_TO_63);
        assertThat(error.message()).contains("9223372036854775808").doesNotContain("-");
    }

    @Test
    void aChunkForACommandIdAbove2To63IsNamedUnsignedToo() throws Exception {
        requesting(0, 1);
        guest.send(new ChunkWords(-2L, 0x100, new long[] {1}));
        Message.Error error = guest.awaitClosed(WAIT);
        assertThat(error.errorCode()).isEqualTo(ErrorCode.BAD_COMMAND_ID);
        assertThat(error.message()).contains("18446744073709551614");
    }

    @Test
    void refusedForACommandIdNeverIssuedIsABadCommandId() throws Exception {
        RecordingConsumer consumer = requesting(0, 1);
        guest.send(new Message.Error(ErrorCode.REFUSED, 7, "cannot"));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_COMMAND_ID);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
    }

    @Test
    void refusedForAnEarlierCommandIsStaleDroppedAndCounted() throws Exception {
        HintSource source = attach(0);
        RecordingConsumer first = new RecordingConsumer();
        source.request(new HintRequestOptions(1, false), first);
        guest.expect(BitmapRequest.class, WAIT);
        RecordingConsumer second = new RecordingConsumer();
        source.request(new HintRequestOptions(2, false), second);
        // the host stops request 1 before asking for 2; the guest answers 1 late
        guest.send(new Message.Error(ErrorCode.REFUSED, 1, "too late"));
        guest.send(new BitmapDone(2, 0, 0, BitmapDone.COMPLETE));
        assertThat(second.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
        assertThat(first.status()).as("ended when superseded, not by the late REFUSED").isEqualTo(HintStatus.FAILED);
        assertThat(source.isGuestConnected()).isTrue();
        assertThat(channel.source().staleMessagesDropped()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ chunks (A.3, A.4)

    @Test
    void aRunEndingExactlyAt2To63IsWellFormedAndABadHint() throws Exception {
        RecordingConsumer consumer = requesting(Features.RANGES, 1);
        guest.send(new ChunkRanges(1, new long[] {TWO_TO_63 - 5, 5}));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.chunks()).isEmpty();
    }

    @Test
    void wordsEndingExactlyAt2To63AreWellFormedAndABadHint() throws Exception {
        RecordingConsumer consumer = requesting(0, 1);
        guest.send(new ChunkWords(1, TWO_TO_63 - 64, new long[] {1}));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.chunks()).isEmpty();
    }

    @Test
    void aChunkOfNoWordsIsABadField() throws Exception {
        requesting(0, 1);
        guest.sendFrame(MessageType.CHUNK_WORDS, payload(24).putLong(1).putLong(0x100).putInt(0).putInt(0).flip());
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_FIELD);
    }

    @Test
    void aChunkOfNoRunsIsABadField() throws Exception {
        requesting(Features.RANGES, 1);
        guest.sendFrame(MessageType.CHUNK_RANGES, payload(16).putLong(1).putInt(0).putInt(0).flip());
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_FIELD);
    }

    @Test
    void runsWithoutRangesInUseAreABadState() throws Exception {
        RecordingConsumer consumer = requesting(0, 1);
        guest.send(new ChunkRanges(1, new long[] {0x100, 4}));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_STATE);
        assertThat(consumer.chunks()).isEmpty();
    }

    @Test
    void aChunkBelowTheEndOfThePreviousOneIsABadHintAndNothingOfItIsApplied() throws Exception {
        RecordingConsumer consumer = requesting(Features.RANGES, 1);
        guest.send(new ChunkWords(1, 0x200, new long[] {1, 1}));
        consumer.awaitChunks(1, WAIT);
        // out of order: a chunk below the first
        guest.send(new ChunkWords(1, 0x100, new long[] {1}));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.FAILED);
        assertThat(consumer.chunks()).hasSize(1);
    }

    @Test
    void aChunkOverlappingThePreviousOneIsABadHint() throws Exception {
        RecordingConsumer consumer = requesting(Features.RANGES, 1);
        guest.send(new ChunkWords(1, 0x200, new long[] {1, 1})); // covers PFNs [0x200, 0x280)
        consumer.awaitChunks(1, WAIT);
        guest.send(new ChunkRanges(1, new long[] {0x27F, 2}));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_HINT);
        assertThat(consumer.chunks()).hasSize(1);
    }

    @Test
    void aChunkStartingWhereThePreviousEndedIsAccepted() throws Exception {
        RecordingConsumer consumer = requesting(Features.RANGES, 1);
        guest.send(new ChunkWords(1, 0x200, new long[] {1, 1}));
        guest.send(new ChunkRanges(1, new long[] {0x280, 2}));
        guest.send(new BitmapDone(1, 4, 2, BitmapDone.COMPLETE));
        assertThat(consumer.awaitFinished(WAIT)).isEqualTo(HintStatus.READY);
    }

    // ------------------------------------------------------------------ MEMINFO (A.4 step 3)

    private CompletableFuture<GuestMemInfo> askMemInfo(HintSource source) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return source.memInfo(WAIT).orElseThrow();
            } catch (HintException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aMemInfoNobodyAskedForIsABadState() throws Exception {
        attach(0);
        guest.send(new MemInfo(1, 10, 10, 100, 4096));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_STATE);
    }

    @Test
    void aMemInfoWithATagNeverSentIsABadStateAndTheAskerHearsTheGuestIsGone() throws Exception {
        HintSource source = attach(0);
        CompletableFuture<GuestMemInfo> info = askMemInfo(source);
        MemInfoRequest asked = guest.expect(MemInfoRequest.class, WAIT);
        guest.send(new MemInfo(asked.tag() + 1, 10, 10, 100, 4096));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_STATE);
        assertThat(info).failsWithin(WAIT);
    }

    @Test
    void aSecondAnswerToOneMemInfoRequestIsStaleDroppedAndCounted() throws Exception {
        HintSource source = attach(0);
        CompletableFuture<GuestMemInfo> info = askMemInfo(source);
        MemInfoRequest asked = guest.expect(MemInfoRequest.class, WAIT);
        guest.send(new MemInfo(asked.tag(), 10, 10, 100, 4096));
        assertThat(info.get(5, TimeUnit.SECONDS).freePages()).isEqualTo(10);
        guest.send(new MemInfo(asked.tag(), 11, 10, 100, 4096));
        // the channel stays: the next question is answered
        CompletableFuture<GuestMemInfo> next = askMemInfo(source);
        MemInfoRequest again = guest.expect(MemInfoRequest.class, WAIT);
        guest.send(new MemInfo(again.tag(), 12, 10, 100, 4096));
        assertThat(next.get(5, TimeUnit.SECONDS).freePages()).isEqualTo(12);
        assertThat(channel.source().staleMessagesDropped()).isEqualTo(1);
    }

    @Test
    void aMemInfoWithAnotherPageSizeIsABadField() throws Exception {
        HintSource source = attach(0);
        CompletableFuture<GuestMemInfo> info = askMemInfo(source);
        MemInfoRequest asked = guest.expect(MemInfoRequest.class, WAIT);
        guest.send(new MemInfo(asked.tag(), 10, 10, 100, 8192));
        assertThat(guest.awaitClosed(WAIT).errorCode()).isEqualTo(ErrorCode.BAD_FIELD);
        assertThat(info).failsWithin(WAIT);
    }

    // ------------------------------------------------------------------ ERROR (A.3)

    @Test
    void anErrorTextOf1025BytesIsABadLengthThatNamesTheRightLengths() throws Exception {
        attach(0);
        guest.sendFrame(MessageType.ERROR, payload(16 + 1025).putInt(ErrorCode.REFUSED.code()).putInt(1025).putLong(0)
                .put(new byte[1025]).flip());
        Message.Error error = guest.awaitClosed(WAIT);
        assertThat(error.errorCode()).isEqualTo(ErrorCode.BAD_LENGTH);
        assertThat(error.message()).contains("1025 bytes is longer than 1024").doesNotContain("does not match");
    }

    // ------------------------------------------------------------------ reconnect (A.4, "Disconnect")

    @Test
    void aGuestThatReconnectsTheMomentItClosedIsServed() throws Exception {
        for (int i = 0; i < 20; i++) {
            attach(0);
            guest.close();
            // no pause: the old session may still be cleaning up when this connection arrives
            guest = ScriptedGuest.connect(channel.socketPath());
            guest.send(new Hello(Frame.MAX_FRAME, 4096, 0, 0));
            Message answer = guest.next(WAIT);
            assertThat(answer).as("reconnect %d", i).isInstanceOf(Welcome.class);
            guest.close();
            guest = null;
            publisher.awaitNoneLive(WAIT);
        }
    }
}
