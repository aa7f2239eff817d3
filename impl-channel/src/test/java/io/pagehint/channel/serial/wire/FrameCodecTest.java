package io.pagehint.channel.serial.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.channel.serial.wire.Message.BitmapDone;
import io.pagehint.channel.serial.wire.Message.BitmapRequest;
import io.pagehint.channel.serial.wire.Message.ChunkRanges;
import io.pagehint.channel.serial.wire.Message.ChunkWords;
import io.pagehint.channel.serial.wire.Message.Hello;
import io.pagehint.channel.serial.wire.Message.MemInfo;
import io.pagehint.channel.serial.wire.Message.MemInfoRequest;
import io.pagehint.channel.serial.wire.Message.Stop;
import io.pagehint.channel.serial.wire.Message.Welcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    /** Frames a sequence of messages as one side would send them. */
    private static byte[] frames(Message... messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(Channels.newChannel(out));
        w.setLimit(Frame.MAX_FRAME);
        for (Message m : messages) {
            w.write(m);
        }
        return out.toByteArray();
    }

    private static FrameReader reader(byte[] bytes, Direction incoming) {
        FrameReader r = new FrameReader(Channels.newChannel(new ByteArrayInputStream(bytes)), incoming);
        r.setLimit(Frame.MAX_FRAME);
        return r;
    }

    @Test
    void everyGuestMessageSurvivesTheWireUnchanged() throws IOException {
        List<Message> sent = List.of(
                new Hello(Frame.MAX_FRAME, 4096, Features.KNOWN, 0xAA),
                new MemInfo(7, 1_800_000, 12_000, 2_359_295, 4096),
                new ChunkWords(3, 64 * 5, new long[] {-1L, 0, 0x8000_0000_0000_0001L}),
                new ChunkRanges(3, new long[] {256, 1024, 4096, 1}),
                new BitmapDone(3, 1024 + 1 + 64 + 2, 2, BitmapDone.COMPLETE),
                new Message.Error(ErrorCode.REFUSED, 4, "page poisoning not accepted: ü"));
        FrameReader r = reader(frames(sent.toArray(Message[]::new)), Direction.GUEST_TO_HOST);
        for (Message m : sent) {
            assertThat(r.read()).isEqualTo(m);
        }
        assertThat(r.read()).as("clean end between frames").isNull();
    }

    @Test
    void everyHostMessageSurvivesTheWireUnchanged() throws IOException {
        List<Message> sent = List.of(new Welcome(8192, Features.RANGES), new MemInfoRequest(9),
                new BitmapRequest(12, BitmapRequest.DROP_CLEAN_CACHE), new Stop(12),
                new Message.Error(ErrorCode.SHUTDOWN, 0, "bye"));
        FrameReader r = reader(frames(sent.toArray(Message[]::new)), Direction.HOST_TO_GUEST);
        for (Message m : sent) {
            assertThat(r.read()).isEqualTo(m);
        }
    }

    @Test
    void theHeaderIsLaidOutAsTheProtocolSays() throws IOException {
        byte[] bytes = frames(new Stop(0x0102030405060708L));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PHNT");
        assertThat(b.getInt(0)).isEqualTo(Frame.MAGIC);
        assertThat(b.get(4)).isEqualTo((byte) 1);
        assertThat(b.get(5)).isEqualTo((byte) MessageType.STOP.code());
        assertThat(b.getShort(6)).isZero();
        assertThat(b.getInt(8)).as("first frame's sequence").isZero();
        assertThat(b.getInt(12)).isEqualTo(8);
        assertThat(b.getLong(16)).isEqualTo(0x0102030405060708L);
        assertThat(bytes).hasSize(24);
    }

    private static WireException failure(byte[] bytes, Direction incoming) {
        try {
            FrameReader r = reader(bytes, incoming);
            while (r.read() != null) {
                // read on until the bad frame
            }
        } catch (WireException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("expected a protocol error, got " + e);
        }
        throw new AssertionError("the frames were accepted");
    }

    private static byte[] patched(byte[] bytes, int offset, byte... values) {
        byte[] b = bytes.clone();
        System.arraycopy(values, 0, b, offset, values.length);
        return b;
    }

    @Test
    void eachHeaderRuleHasItsOwnErrorCode() throws IOException {
        byte[] stop = frames(new Stop(5));
        assertThat(failure(patched(stop, 0, (byte) 'X'), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.BAD_MAGIC);
        assertThat(failure(patched(stop, 4, (byte) 2), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.BAD_VERSION);
        assertThat(failure(patched(stop, 6, (byte) 1), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.BAD_FIELD);
        assertThat(failure(patched(stop, 8, (byte) 1), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.BAD_SEQUENCE);
        assertThat(failure(patched(stop, 12, (byte) 9), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.BAD_LENGTH);
        assertThat(failure(patched(stop, 5, (byte) 77), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(failure(stop, Direction.GUEST_TO_HOST).code()).as("STOP never travels guest to host").isEqualTo(ErrorCode.UNKNOWN_TYPE);
    }

    @Test
    void aHugeLengthIsRefusedBeforeAnyPayloadIsRead() throws IOException {
        byte[] header = patched(frames(new Stop(5)), 12, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F);
        byte[] onlyHeader = java.util.Arrays.copyOf(header, Frame.HEADER_BYTES);
        assertThat(failure(onlyHeader, Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.BAD_LENGTH);
    }

    @Test
    void theLimitBeforeTheHandshakeIsFourKiB() throws IOException {
        byte[] big = frames(new ChunkWords(1, 0, new long[600]));
        FrameReader r = new FrameReader(Channels.newChannel(new ByteArrayInputStream(big)), Direction.GUEST_TO_HOST);
        assertThatThrownBy(r::read).isInstanceOf(WireException.class)
                .extracting(e -> ((WireException) e).code()).isEqualTo(ErrorCode.BAD_LENGTH);
    }

    @Test
    void countsThatDisagreeWithTheLengthAreRefused() throws IOException {
        byte[] words = frames(new ChunkWords(1, 0, new long[] {1, 2}));
        // n at payload offset 16 says 3 words, the length carries 2
        assertThat(failure(patched(words, 16 + 16, (byte) 3), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_LENGTH);
        byte[] error = frames(new Message.Error(ErrorCode.INTERNAL, 0, "abc"));
        assertThat(failure(patched(error, 16 + 4, (byte) 2), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_LENGTH);
    }

    @Test
    void fieldsTheMessageDoesNotAllowAreRefused() throws IOException {
        // first_pfn not a multiple of 64
        byte[] words = frames(new ChunkWords(1, 64, new long[] {1}));
        assertThat(failure(patched(words, 16 + 8, (byte) 65), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_FIELD);
        // a run of zero pages
        byte[] ranges = frames(new ChunkRanges(1, new long[] {10, 1}));
        assertThat(failure(patched(ranges, 16 + 24, (byte) 0), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_FIELD);
        // reserved bytes of HELLO
        byte[] hello = frames(new Hello(Frame.MAX_FRAME, 4096, 0, 0));
        assertThat(failure(patched(hello, 16 + 20, (byte) 1), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_FIELD);
        // a poison byte without F_PAGE_POISON
        assertThat(failure(patched(hello, 16 + 16, (byte) 0xAA), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_FIELD);
        // BITMAP_DONE status 2
        byte[] done = frames(new BitmapDone(1, 0, 0, 0));
        assertThat(failure(patched(done, 16 + 20, (byte) 2), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_FIELD);
        // MEMINFO with an impossible page count
        byte[] info = frames(new MemInfo(1, 1, 1, 1, 4096));
        assertThat(failure(patched(info, 16 + 15, (byte) 0x40), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.BAD_FIELD);
    }

    @Test
    void runsMustBeAscendingAndDisjoint() {
        assertThatThrownBy(() -> new ChunkRanges(1, new long[] {100, 10, 105, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkRanges(1, new long[] {Long.MAX_VALUE - 1, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ChunkRanges(1, new long[] {100, 10, 110, 1}).pages()).isEqualTo(11);
    }

    @Test
    void aRunOrWordsMayEndExactlyAt2To63ButNothingComesAfter() {
        assertThat(new ChunkRanges(1, new long[] {Long.MAX_VALUE - 1, 2}).pages()).isEqualTo(2);
        assertThatThrownBy(() -> new ChunkRanges(1, new long[] {Long.MAX_VALUE - 1, 2, 5, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ChunkWords(1, (1L << 63) - 128, new long[] {1, 1}).pages()).isEqualTo(2);
        assertThatThrownBy(() -> new ChunkWords(1, (1L << 63) - 64, new long[] {1, 1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHandshakeFrameSizeOrPageSizeOutOfRangeIsIncompatible() throws IOException {
        byte[] hello = frames(new Hello(Frame.MAX_FRAME, 4096, 0, 0));
        // max_frame (payload offset 0) 0x00100001: one byte above MAX_FRAME
        assertThat(failure(patched(hello, 16, (byte) 1), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.INCOMPATIBLE);
        // page_size (payload offset 4) 4096 + 1
        assertThat(failure(patched(hello, 16 + 4, (byte) 1), Direction.GUEST_TO_HOST).code()).isEqualTo(ErrorCode.INCOMPATIBLE);
        byte[] welcome = frames(new Welcome(Frame.MAX_FRAME, 0));
        assertThat(failure(patched(welcome, 16, (byte) 1), Direction.HOST_TO_GUEST).code()).isEqualTo(ErrorCode.INCOMPATIBLE);
    }

    @Test
    void aStreamThatEndsInsideAFrameIsNotACleanEnd() throws IOException {
        byte[] stop = frames(new Stop(5));
        FrameReader r = reader(java.util.Arrays.copyOf(stop, 20), Direction.HOST_TO_GUEST);
        assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
    }

    @Test
    void aWriterRefusesFramesAboveThePeersLimit() {
        FrameWriter w = new FrameWriter(Channels.newChannel(new ByteArrayOutputStream()));
        assertThatThrownBy(() -> w.write(new ChunkWords(1, 0, new long[1000]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longErrorTextIsCutToTheLimitNotRefused() {
        Message.Error e = new Message.Error(ErrorCode.INTERNAL, 0, "é".repeat(2000));
        assertThat(e.payloadBytes()).isLessThanOrEqualTo(16 + Message.Error.MAX_MESSAGE_BYTES);
    }
}
