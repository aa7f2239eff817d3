package io.pagehint.channel.testing;

import io.pagehint.channel.serial.wire.Direction;
import io.pagehint.channel.serial.wire.Frame;
import io.pagehint.channel.serial.wire.FrameReader;
import io.pagehint.channel.serial.wire.FrameWriter;
import io.pagehint.channel.serial.wire.Message;
import io.pagehint.channel.serial.wire.MessageType;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A guest end driven by a test, frame by frame, over a real UNIX socket: what a well-behaved or a
 * misbehaving guest driver would send. Frames from the host are collected by a reader thread.
 */
public final class ScriptedGuest implements AutoCloseable {

    private static final Object EOF = new Object();

    private final SocketChannel channel;
    private final FrameWriter writer;
    private final BlockingQueue<Object> fromHost = new ArrayBlockingQueue<>(1024);
    private final Thread reader;
    private int framesSent;

    private ScriptedGuest(SocketChannel channel) {
        this.channel = channel;
        this.writer = new FrameWriter(channel);
        writer.setLimit(Frame.MAX_FRAME);
        FrameReader in = new FrameReader(channel, Direction.HOST_TO_GUEST);
        in.setLimit(Frame.MAX_FRAME);
        this.reader = new Thread(() -> {
            try {
                for (Message m = in.read(); m != null; m = in.read()) {
                    fromHost.put(m);
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                fromHost.offer(EOF);
            }
        }, "scripted-guest-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static ScriptedGuest connect(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        return new ScriptedGuest(c);
    }

    public void send(Message m) throws IOException {
        writer.write(m);
        framesSent++;
    }

    /**
     * Sends a frame of {@code type} with {@code payload} (little-endian, position to limit) as
     * given, with the next sequence number: for payloads the message records refuse to build. The
     * guest's writer does not see this frame, so send nothing with {@link #send} after it.
     */
    public void sendFrame(MessageType type, ByteBuffer payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_BYTES + payload.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(Frame.MAGIC).put((byte) Frame.VERSION).put((byte) type.code()).putShort((short) 0)
                .putInt(framesSent++).putInt(payload.remaining()).put(payload);
        sendRaw(frame.array());
    }

    /** Sends raw bytes, as a broken or hostile guest might. */
    public void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next frame from the host, or null if the host closed the connection; fails after {@code timeout}. */
    public Message next(Duration timeout) throws InterruptedException {
        Object o = fromHost.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new AssertionError("the host sent nothing within " + timeout);
        }
        if (o == EOF) {
            fromHost.offer(EOF);
            return null;
        }
        return (Message) o;
    }

    /** The next frame from the host, which must be of {@code type}. */
    public <M extends Message> M expect(Class<M> type, Duration timeout) throws InterruptedException {
        Message m = next(timeout);
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + " from the host, got " + m);
        }
        return type.cast(m);
    }

    /** Waits until the host has closed the connection, skipping frames; returns the last ERROR seen, if any. */
    public Message.Error awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Message.Error last = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the host did not close the connection within " + timeout);
            }
            Message m = next(Duration.ofNanos(left));
            if (m == null) {
                return last;
            }
            if (m instanceof Message.Error e) {
                last = e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
