package io.pagehint.channel.virtio.mmio;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Reads and writes doorbell messages on a stream. One thread reads; writes from several threads
 * never interleave.
 */
public final class DoorbellStream {

    private final ReadableByteChannel in;
    private final WritableByteChannel out;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(DoorbellMessage.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer writeBuffer = ByteBuffer.allocate(DoorbellMessage.BYTES).order(ByteOrder.LITTLE_ENDIAN);

    public DoorbellStream(ReadableByteChannel in, WritableByteChannel out) {
        this.in = in;
        this.out = out;
    }

    /**
     * The next message, or null if the stream ended cleanly between messages.
     *
     * @throws DoorbellException if the 16 bytes are not a valid message
     * @throws EOFException      if the stream ended inside a message
     */
    public DoorbellMessage read() throws IOException {
        readBuffer.clear();
        while (readBuffer.hasRemaining()) {
            if (in.read(readBuffer) < 0) {
                if (readBuffer.position() == 0) {
                    return null;
                }
                throw new EOFException("doorbell stream ended inside a message");
            }
        }
        readBuffer.flip();
        try {
            return DoorbellMessage.decode(readBuffer);
        } catch (IllegalArgumentException e) {
            throw new DoorbellException(e.getMessage());
        }
    }

    public void write(DoorbellMessage m) throws IOException {
        synchronized (writeBuffer) {
            writeBuffer.clear();
            m.encode(writeBuffer);
            writeBuffer.flip();
            while (writeBuffer.hasRemaining()) {
                out.write(writeBuffer);
            }
        }
    }
}
