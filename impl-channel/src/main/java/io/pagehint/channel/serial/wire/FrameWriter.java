package io.pagehint.channel.serial.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/**
 * Writes frames to a stream, numbering them (PROTOCOL.md A.2). Thread-safe: frames from several
 * threads never interleave. Refuses to send a frame above the peer's limit.
 */
public final class FrameWriter {

    private final WritableByteChannel out;
    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    private int limit = Frame.MIN_FRAME;
    private int sequence;

    public FrameWriter(WritableByteChannel out) {
        this.out = out;
    }

    /** Sets the largest frame the peer accepts (the negotiated frame size). */
    public synchronized void setLimit(int maxFrame) {
        if (!Frame.isValidLimit(maxFrame)) {
            throw new IllegalArgumentException("frame limit out of range: " + maxFrame);
        }
        this.limit = maxFrame;
    }

    public synchronized int limit() {
        return limit;
    }

    /**
     * Sends {@code m} as the next frame.
     *
     * @throws IllegalArgumentException if the frame is larger than the peer accepts (a bug of the sender)
     */
    public synchronized void write(Message m) throws IOException {
        int bytes = FrameCodec.frameBytes(m);
        if (bytes > limit) {
            throw new IllegalArgumentException(m.type() + " frame of " + bytes + " bytes exceeds the peer's limit " + limit);
        }
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocate(Math.max(bytes, Math.min(Frame.MAX_FRAME, buffer.capacity() * 2))).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear();
        FrameCodec.encode(m, sequence, buffer);
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        sequence++;
    }
}
