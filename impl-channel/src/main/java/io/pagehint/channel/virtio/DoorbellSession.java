package io.pagehint.channel.virtio;

import io.pagehint.channel.virtio.device.BalloonDevice;
import io.pagehint.channel.virtio.device.Outcome;
import io.pagehint.channel.virtio.mmio.DoorbellException;
import io.pagehint.channel.virtio.mmio.DoorbellMessage;
import io.pagehint.channel.virtio.mmio.DoorbellStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver's connection to the device's doorbell (PROTOCOL.md B.1): turns READ into VALUE,
 * WRITE into register writes, and the device's outcomes into hints, ended requests and INTERRUPT
 * messages. A framing error or the driver going away closes the connection and resets the device.
 * Never throws out of {@link #run()}.
 */
final class DoorbellSession {

    /** What the device's channel does when the session changes the device or ends. */
    interface Listener {
        /** After each message: the device may have become ready or stopped being ready for hinting. */
        void deviceChanged();

        /** The session is over and the device was reset. */
        void ended(DoorbellSession session);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DoorbellSession.class);

    private final DoorbellStream stream;
    private final Closeable connection;
    private final BalloonDevice device;
    private final Listener listener;
    private final String vmId;
    private final Duration writeTimeout;
    private final Object sendLock = new Object();
    private volatile long writingSinceNanos;
    private volatile boolean closed;
    private volatile String endReason;
    private final Duration deliveryDelay;

    DoorbellSession(ReadableByteChannel in, WritableByteChannel out, Closeable connection, BalloonDevice device,
                    Listener listener, String vmId, Duration writeTimeout) {
        this(in, out, connection, device, listener, vmId, writeTimeout, Duration.ZERO);
    }

    /** @param deliveryDelay TEST ONLY: a slow device hands each pass's hints on this late (FreePageHintChannel.open, package-private) */
    DoorbellSession(ReadableByteChannel in, WritableByteChannel out, Closeable connection, BalloonDevice device,
                    Listener listener, String vmId, Duration writeTimeout, Duration deliveryDelay) {
        this.stream = new DoorbellStream(in, out);
        this.connection = connection;
        this.device = device;
        this.listener = listener;
        this.vmId = vmId;
        this.writeTimeout = writeTimeout;
        this.deliveryDelay = deliveryDelay;
    }

    void run() {
        String why = "the driver disconnected";
        try {
            for (DoorbellMessage m = stream.read(); m != null && !closed; m = stream.read()) {
                if (!m.fromDriver()) {
                    throw new DoorbellException("op " + m.op() + " is not sent by a driver");
                }
                if (m.op() == DoorbellMessage.READ) {
                    send(DoorbellMessage.value(m.offset(), m.width(), device.read(m.offset(), m.width())));
                } else {
                    Outcome o = device.write(m.offset(), m.width(), m.value());
                    apply(o);
                    while (o.hasMore()) {
                        o = device.pollFreePageQueue();
                        apply(o);
                    }
                }
                listener.deviceChanged();
            }
        } catch (DoorbellException e) {
            why = "framing error on the doorbell: " + e.getMessage();
            LOG.warn("{}: {}; closing the connection", vmId, why);
        } catch (EOFException e) {
            why = "the driver disconnected inside a message";
        } catch (IOException e) {
            why = closed ? why : "doorbell failed: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "device model failed: " + e;
            LOG.error("{}: doorbell session failed", vmId, e);
        } finally {
            endReason = why;
            close();
            device.reset(why).runSteps();
            listener.ended(this);
        }
    }

    /** Carries out what the device decided: hints and ends first, then the interrupt. Never throws. */
    void apply(Outcome o) {
        if (o.deliversHints() && !deliveryDelay.isZero()) {
            // the slow device of the race tests: the buffers are back with the guest, the hints come late
            try {
                Thread.sleep(deliveryDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        o.runSteps();
        if (o.interrupts() != 0 && !closed) {
            try {
                send(DoorbellMessage.interrupt(o.interruptStatus()));
            } catch (IOException e) {
                LOG.debug("{}: could not raise an interrupt: {}", vmId, e.toString());
                close();
            }
        }
    }

    private void send(DoorbellMessage m) throws IOException {
        synchronized (sendLock) {
            writingSinceNanos = System.nanoTime();
            try {
                stream.write(m);
            } finally {
                writingSinceNanos = 0;
            }
        }
    }

    /** Called by the watchdog: a driver that does not read what the device writes is cut off. */
    void checkStuckWrite(long nowNanos) {
        long since = writingSinceNanos;
        if (since != 0 && nowNanos - since > writeTimeout.toNanos()) {
            LOG.warn("{}: the driver did not read the doorbell for {} ms; closing it", vmId, writeTimeout.toMillis());
            close();
        }
    }

    /** Why the session ended, or null while it runs. */
    String endReason() {
        return endReason;
    }

    void close() {
        closed = true;
        try {
            connection.close();
        } catch (IOException e) {
            LOG.debug("closing the doorbell failed", e);
        }
    }
}
