package io.pagehint.channel.virtio.ring;

import io.pagehint.api.vm.DeviceMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The driver's side of a split virtqueue of one-descriptor chains, which is all a free-page-hint
 * driver needs: it adds buffers (each with a token the driver gets back when the device has used
 * it), publishes them to the device in batches, tells whether the device wants a notification,
 * and collects used buffers. The device is not trusted either: a used element that names no
 * outstanding buffer is an {@link IllegalStateException}. One thread at a time.
 *
 * @param <T> what the driver keeps with each buffer
 */
public final class DriverVirtqueue<T> {

    private final DeviceMemory memory;
    private final SplitRingLayout ring;
    private final Object[] tokens;
    private final int[] free;
    private final ByteBuffer descriptor = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private int freeCount;
    private int availIdx;
    private int lastUsed;

    /** Zeroes the rings and starts with every descriptor free. */
    public DriverVirtqueue(DeviceMemory memory, SplitRingLayout ring) {
        this.memory = memory;
        this.ring = ring;
        this.tokens = new Object[ring.size()];
        this.free = new int[ring.size()];
        for (int i = 0; i < ring.size(); i++) {
            free[i] = ring.size() - 1 - i;
        }
        this.freeCount = ring.size();
        zero(ring.descTable(), SplitRingLayout.descTableBytes(ring.size()));
        zero(ring.availRing(), SplitRingLayout.availRingBytes(ring.size()));
        zero(ring.usedRing(), SplitRingLayout.usedRingBytes(ring.size()));
        memory.fullFence();
    }

    private void zero(long gpa, long bytes) {
        byte[] zeros = new byte[4096];
        for (long at = 0; at < bytes; at += zeros.length) {
            memory.writeBytes(gpa + at, zeros, 0, (int) Math.min(zeros.length, bytes - at));
        }
    }

    public SplitRingLayout layout() {
        return ring;
    }

    /** Descriptors not in the device's hands. */
    public int freeSlots() {
        return freeCount;
    }

    /**
     * Puts {@code [gpa, gpa + len)} in the ring as a one-descriptor chain (the descriptor in one
     * 16-byte write, then the ring entry); the device sees it after {@link #publish()}.
     *
     * @return false if no descriptor is free
     */
    public boolean add(long gpa, int len, boolean deviceWritable, T token) {
        if (freeCount == 0) {
            return false;
        }
        int d = free[--freeCount];
        tokens[d] = token;
        descriptor.clear();
        descriptor.putLong(gpa).putInt(len).putShort((short) (deviceWritable ? SplitRingLayout.DESC_F_WRITE : 0)).putShort((short) 0);
        memory.writeBytes(ring.desc(d), descriptor.array(), 0, 16);
        memory.writeShort(ring.availEntry(availIdx & (ring.size() - 1)), (short) d);
        availIdx = (availIdx + 1) & 0xFFFF;
        return true;
    }

    /** Makes everything added so far available: a release store of the available index. */
    public void publish() {
        memory.writeShortRelease(ring.availIdx(), (short) availIdx);
    }

    /** Whether to notify the device: a full fence after the new index, then VIRTQ_USED_F_NO_NOTIFY is read. */
    public boolean needsNotify() {
        memory.fullFence();
        return (memory.readShort(ring.usedFlags()) & SplitRingLayout.USED_F_NO_NOTIFY) == 0;
    }

    /** The token of the next used buffer, or null if the device has used none since the last call. */
    @SuppressWarnings("unchecked")
    public T takeUsed() {
        int used = memory.readShortAcquire(ring.usedIdx()) & 0xFFFF;
        if (used == lastUsed) {
            return null;
        }
        if (((used - lastUsed) & 0xFFFF) > ring.size()) {
            throw new IllegalStateException("the device's used index jumped to " + used + " from " + lastUsed);
        }
        int id = memory.readInt(ring.usedElem(lastUsed & (ring.size() - 1)));
        if (id < 0 || id >= ring.size() || tokens[id] == null) {
            throw new IllegalStateException("the device used descriptor " + id + ", which it was not given");
        }
        T token = (T) tokens[id];
        tokens[id] = null;
        free[freeCount++] = id;
        lastUsed = (lastUsed + 1) & 0xFFFF;
        return token;
    }

    /** Sets or clears VIRTQ_AVAIL_F_NO_INTERRUPT, then a full fence, so a later look at the used index is ordered after it. */
    public void suppressInterrupts(boolean suppress) {
        memory.writeShortRelease(ring.availFlags(), (short) (suppress ? SplitRingLayout.AVAIL_F_NO_INTERRUPT : 0));
        memory.fullFence();
    }

    /** Whether the device has used a buffer not yet taken. */
    public boolean hasUsed() {
        return (memory.readShortAcquire(ring.usedIdx()) & 0xFFFF) != lastUsed;
    }
}
