package io.pagehint.channel.serial.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a stream and checks them in the order of PROTOCOL.md A.1 (magic, version,
 * flags, sequence, length against the limit, type, length against the type, fields). Holds at most
 * one frame's payload: the buffer grows to the largest frame seen, never beyond the limit. Not
 * thread-safe: one reader thread per stream.
 */
public final class FrameReader {

    private final ReadableByteChannel in;
    private final Direction incoming;
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer payload = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    private int limit = Frame.MIN_FRAME;
    private int expectedSequence;

    /**
     * @param in       the stream, in blocking mode
     * @param incoming the direction of the frames read: {@link Direction#GUEST_TO_HOST} for the host end
     */
    public FrameReader(ReadableByteChannel in, Direction incoming) {
        if (incoming == Direction.BOTH) {
            throw new IllegalArgumentException("a stream carries one direction");
        }
        this.in = in;
        this.incoming = incoming;
    }

    /** Sets the largest frame accepted from now on (the negotiated frame size). */
    public void setLimit(int maxFrame) {
        if (!Frame.isValidLimit(maxFrame)) {
            throw new IllegalArgumentException("frame limit out of range: " + maxFrame);
        }
        this.limit = maxFrame;
    }

    public int limit() {
        return limit;
    }

    /** How many frames were read. */
    public int framesRead() {
        return expectedSequence;
    }

    /**
     * Reads and decodes the next frame.
     *
     * @return the message, or null if the stream ended cleanly between frames
     * @throws WireException if the frame breaks a rule; the stream cannot be read further
     * @throws EOFException  if the stream ended inside a frame
     */
    public Message read() throws IOException {
        header.clear();
        if (!fill(header, true)) {
            return null;
        }
        header.flip();
        int magic = header.getInt();
        int version = header.get() & 0xFF;
        int typeCode = header.get() & 0xFF;
        int flags = header.getShort() & 0xFFFF;
        int sequence = header.getInt();
        long length = Integer.toUnsignedLong(header.getInt());
        if (magic != Frame.MAGIC) {
            throw new WireException(ErrorCode.BAD_MAGIC, "bad magic 0x" + Integer.toHexString(magic));
        }
        if (version != Frame.VERSION) {
            throw new WireException(ErrorCode.BAD_VERSION, "version " + version + " is not spoken here");
        }
        if (flags != 0) {
            throw new WireException(ErrorCode.BAD_FIELD, "header flags are not zero");
        }
        if (sequence != expectedSequence) {
            throw new WireException(ErrorCode.BAD_SEQUENCE, "sequence " + Integer.toUnsignedString(sequence)
                    + ", expected " + Integer.toUnsignedString(expectedSequence));
        }
        if (Frame.HEADER_BYTES + length > limit) {
            throw new WireException(ErrorCode.BAD_LENGTH, "frame of " + (Frame.HEADER_BYTES + length) + " bytes exceeds the limit " + limit);
        }
        MessageType type = MessageType.of(typeCode);
        if (type == null || !type.direction().allows(incoming)) {
            throw new WireException(ErrorCode.UNKNOWN_TYPE, "no message type " + typeCode + " in this direction");
        }
        if (!type.fitsLength(length)) {
            throw new WireException(ErrorCode.BAD_LENGTH, type + " cannot be " + length + " bytes long");
        }
        ByteBuffer body = payloadBuffer((int) length);
        fill(body, false);
        body.flip();
        expectedSequence++;
        return FrameCodec.decode(type, body);
    }

    private ByteBuffer payloadBuffer(int length) {
        if (payload.capacity() < length) {
            payload = ByteBuffer.allocate(Math.max(length, Math.min(limit, payload.capacity() * 2))).order(ByteOrder.LITTLE_ENDIAN);
        }
        payload.clear().limit(length);
        return payload;
    }

    /** Fills {@code buf}; false if the stream ended before its first byte and {@code cleanEndAllowed}. */
    private boolean fill(ByteBuffer buf, boolean cleanEndAllowed) throws IOException {
        boolean first = true;
        while (buf.hasRemaining()) {
            int n = in.read(buf);
            if (n < 0) {
                if (first && cleanEndAllowed && buf.position() == 0) {
                    return false;
                }
                throw new EOFException("stream ended inside a frame");
            }
            first = false;
        }
        return true;
    }
}
