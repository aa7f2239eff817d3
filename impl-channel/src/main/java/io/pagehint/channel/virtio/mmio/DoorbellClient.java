package io.pagehint.channel.virtio.mmio;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's end of a doorbell (PROTOCOL.md B.1): register reads wait for the device's VALUE,
 * writes go straight out, and a reader thread collects INTERRUPT messages into pending interrupt
 * bits the driver takes when it is ready. A message the device should not send closes it.
 */
public final class DoorbellClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DoorbellClient.class);
    /** How long a register read may take before the device counts as gone. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final ByteChannel channel;
    private final DoorbellStream stream;
    private final Thread reader;
    private DoorbellMessage value;
    private int pendingInterrupts;
    private boolean closed;

    /** Starts reading the device's messages from {@code channel} (blocking mode). */
    public DoorbellClient(ByteChannel channel) {
        this.channel = channel;
        this.stream = new DoorbellStream(channel, channel);
        this.reader = new Thread(this::readLoop, "pagehint-virtio-guest-doorbell");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            for (DoorbellMessage m = stream.read(); m != null; m = stream.read()) {
                synchronized (this) {
                    if (m.op() == DoorbellMessage.INTERRUPT) {
                        pendingInterrupts |= (int) m.value();
                    } else if (m.op() == DoorbellMessage.VALUE && value == null) {
                        value = m;
                    } else {
                        throw new IOException("unexpected doorbell message from the device: " + m);
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            LOG.debug("doorbell ended: {}", e.toString());
        } finally {
            close();
        }
    }

    /**
     * Reads a register; one read at a time.
     *
     * @throws IOException if the doorbell is closed or the device does not answer within 5 s
     */
    public synchronized long read(int offset, int width) throws IOException {
        ensureOpen();
        value = null;
        stream.write(DoorbellMessage.read(offset, width));
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (value == null) {
            ensureOpen();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("the device did not answer a register read within " + READ_TIMEOUT.toMillis() + " ms");
            }
            waitNanos(left);
        }
        DoorbellMessage v = value;
        value = null;
        if (v.offset() != offset || v.width() != width) {
            throw new IOException("the device answered register 0x" + Integer.toHexString(v.offset()) + " for 0x"
                    + Integer.toHexString(offset));
        }
        return v.value();
    }

    public void write(int offset, int width, long v) throws IOException {
        ensureOpen();
        stream.write(DoorbellMessage.write(offset, width, v));
    }

    /** Takes the interrupt bits raised since the last call, without waiting. */
    public synchronized int takeInterrupts() throws IOException {
        ensureOpen();
        int bits = pendingInterrupts;
        pendingInterrupts = 0;
        return bits;
    }

    /** Waits up to {@code timeout} for an interrupt and takes its bits; 0 if none came. */
    public synchronized int awaitInterrupts(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingInterrupts == 0) {
            ensureOpen();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            waitNanos(left);
        }
        return takeInterrupts();
    }

    private void waitNanos(long nanos) throws IOException {
        try {
            wait(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the doorbell is closed");
        }
    }

    /** Whether the doorbell is still open. */
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the doorbell failed", e);
        }
    }
}
