package io.pagehint.channel.testing;

import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.channel.virtio.balloon.Balloon;
import io.pagehint.channel.virtio.mmio.DoorbellClient;
import io.pagehint.channel.virtio.mmio.Mmio;
import io.pagehint.channel.virtio.ring.DriverVirtqueue;
import io.pagehint.channel.virtio.ring.SplitRingLayout;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A balloon driver a test steps through by hand over the real doorbell socket and shared guest
 * RAM: what a correct driver does, one register and one buffer at a time, and what a broken one
 * might do instead.
 */
public final class ScriptedBalloonDriver implements AutoCloseable {

    /** Where the scripted driver keeps its rings and command-id slots. */
    public static final long RING_GPA = 0x20_0000;
    public static final long CMD_GPA = 0x1F_F000;

    private final SocketChannel channel;
    private final DoorbellClient doorbell;
    private final DeviceMemory memory;
    private DriverVirtqueue<String> queue;
    private int slot;

    private ScriptedBalloonDriver(SocketChannel channel, DeviceMemory memory) {
        this.channel = channel;
        this.doorbell = new DoorbellClient(channel);
        this.memory = memory;
    }

    public static ScriptedBalloonDriver connect(Path doorbell, DeviceMemory memory) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(doorbell));
        return new ScriptedBalloonDriver(c, memory);
    }

    public DoorbellClient doorbell() {
        return doorbell;
    }

    public DriverVirtqueue<String> queue() {
        return queue;
    }

    public long read(int offset) throws IOException {
        return doorbell.read(offset, 4);
    }

    public void write(int offset, long value) throws IOException {
        doorbell.write(offset, 4, value);
    }

    /** Negotiates {@code features}; returns whether FEATURES_OK stuck. */
    public boolean negotiate(long features) throws IOException {
        write(Mmio.STATUS, 0);
        write(Mmio.STATUS, Mmio.STATUS_ACKNOWLEDGE | Mmio.STATUS_DRIVER);
        write(Mmio.DRIVER_FEATURES_SEL, 0);
        write(Mmio.DRIVER_FEATURES, features & 0xFFFF_FFFFL);
        write(Mmio.DRIVER_FEATURES_SEL, 1);
        write(Mmio.DRIVER_FEATURES, features >>> 32);
        write(Mmio.STATUS, Mmio.STATUS_ACKNOWLEDGE | Mmio.STATUS_DRIVER | Mmio.STATUS_FEATURES_OK);
        return (read(Mmio.STATUS) & Mmio.STATUS_FEATURES_OK) != 0;
    }

    /** Sets up queue {@code index} of {@code size} at {@code ringGpa}; returns what QueueReady reads back. */
    public long setUpQueue(int index, int size, long ringGpa) throws IOException {
        SplitRingLayout layout = SplitRingLayout.contiguous(ringGpa, size);
        queue = new DriverVirtqueue<>(memory, layout);
        queue.suppressInterrupts(true);
        return registerQueue(index, layout);
    }

    /** Tells the device where queue {@code index} is, without touching guest memory; returns QueueReady read back. */
    public long registerQueue(int index, SplitRingLayout layout) throws IOException {
        write(Mmio.QUEUE_SEL, index);
        write(Mmio.QUEUE_SIZE, layout.size());
        write(Mmio.QUEUE_DESC_LOW, layout.descTable() & 0xFFFF_FFFFL);
        write(Mmio.QUEUE_DESC_HIGH, layout.descTable() >>> 32);
        write(Mmio.QUEUE_DRIVER_LOW, layout.availRing() & 0xFFFF_FFFFL);
        write(Mmio.QUEUE_DRIVER_HIGH, layout.availRing() >>> 32);
        write(Mmio.QUEUE_DEVICE_LOW, layout.usedRing() & 0xFFFF_FFFFL);
        write(Mmio.QUEUE_DEVICE_HIGH, layout.usedRing() >>> 32);
        write(Mmio.QUEUE_READY, 1);
        return read(Mmio.QUEUE_READY);
    }

    /** The whole correct initialization with free page hinting (and poison, if given); ends with DRIVER_OK. */
    public void initialize(int queueSize, Integer poisonVal) throws IOException {
        long features = (1L << Mmio.F_VERSION_1) | (1L << Balloon.F_FREE_PAGE_HINT) | (poisonVal != null ? 1L << Balloon.F_PAGE_POISON : 0);
        if (!negotiate(features)) {
            throw new IllegalStateException("features refused");
        }
        if (poisonVal != null) {
            write(Mmio.CONFIG + Balloon.CONFIG_POISON_VAL, Integer.toUnsignedLong(poisonVal));
        }
        if (setUpQueue(2, queueSize, RING_GPA) != 1) {
            throw new IllegalStateException("queue refused");
        }
        write(Mmio.STATUS, Mmio.STATUS_ACKNOWLEDGE | Mmio.STATUS_DRIVER | Mmio.STATUS_FEATURES_OK | Mmio.STATUS_DRIVER_OK);
    }

    /** The command id the device's configuration holds. */
    public int commandId() throws IOException {
        return (int) doorbell.read(Mmio.CONFIG + Balloon.CONFIG_FREE_PAGE_HINT_CMD_ID, 4);
    }

    /** Waits for an interrupt with {@code bits}, acknowledging what comes. */
    public void awaitInterrupt(int bits, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while ((seen & bits) != bits) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no interrupt " + bits + " within " + timeout);
            }
            int got = doorbell.awaitInterrupts(Duration.ofNanos(left));
            if (got != 0) {
                write(Mmio.INTERRUPT_ACK, got);
            }
            seen |= got;
        }
    }

    /** Adds an output buffer holding {@code id} (as the driver acknowledges a round or sends STOP). */
    public void sendCommandId(int id) {
        long at = CMD_GPA + 4L * (slot++ % 512);
        memory.writeInt(at, id);
        queue.add(at, 4, false, "cmd " + id);
        queue.publish();
    }

    /** Adds a device-writable buffer: a free block. */
    public void sendBlock(long gpa, int bytes) {
        queue.add(gpa, bytes, true, "block " + Long.toHexString(gpa));
        queue.publish();
    }

    public void notifyQueue() throws IOException {
        write(Mmio.QUEUE_NOTIFY, 2);
    }

    /** Takes back what the device used; returns how many. */
    public int reclaim() {
        int n = 0;
        while (queue.takeUsed() != null) {
            n++;
        }
        return n;
    }

    /** Sends raw bytes, as a broken driver might. */
    public void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Waits until the device has closed the doorbell. */
    public void awaitClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (doorbell.isOpen()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the device did not close the doorbell within " + timeout);
            }
            try {
                doorbell.awaitInterrupts(Duration.ofNanos(left));
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() {
        doorbell.close();
    }
}
