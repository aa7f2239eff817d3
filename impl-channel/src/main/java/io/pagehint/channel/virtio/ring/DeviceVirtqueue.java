package io.pagehint.channel.virtio.ring;

import io.pagehint.api.vm.BadGuestAddressException;
import io.pagehint.api.vm.DeviceMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The device's side of a split virtqueue. It trusts nothing in guest memory: the available index
 * may not run ahead by more than the queue size, heads and {@code next} links must be inside the
 * table, a chain may not be longer than the queue (so a loop is caught), INDIRECT is refused (not
 * negotiated), a device-readable descriptor may not follow a writable one, and every buffer must
 * lie in guest RAM. Any breach is a {@link VirtqueueException}; the caller stops using the queue.
 * One thread at a time.
 */
public final class DeviceVirtqueue {

    private final DeviceMemory memory;
    private final SplitRingLayout ring;
    private final byte[] descBytes = new byte[16];
    private final ByteBuffer desc = ByteBuffer.wrap(descBytes).order(ByteOrder.LITTLE_ENDIAN);
    private int lastAvail;
    private int usedIdx;
    private int budget;

    /**
     * @throws VirtqueueException if the rings do not lie in guest RAM
     */
    public DeviceVirtqueue(DeviceMemory memory, SplitRingLayout ring) throws VirtqueueException {
        if (!ring.liesIn(memory)) {
            throw new VirtqueueException("the rings of a queue of " + ring.size() + " do not lie in guest RAM");
        }
        this.memory = memory;
        this.ring = ring;
    }

    public SplitRingLayout layout() {
        return ring;
    }

    /**
     * How many chains the driver has made available that the device has not taken (acquire load
     * of the available index: the ring entries and descriptors written before it are visible).
     * Starts a new pass: at most the queue size descriptors may be walked until the next call.
     */
    public int pending() throws VirtqueueException {
        int avail;
        try {
            avail = memory.readShortAcquire(ring.availIdx()) & 0xFFFF;
        } catch (BadGuestAddressException e) {
            throw new VirtqueueException(e.getMessage());
        }
        int n = (avail - lastAvail) & 0xFFFF;
        if (n > ring.size()) {
            throw new VirtqueueException("available index jumped by " + n + " in a queue of " + ring.size());
        }
        budget = ring.size();
        return n;
    }

    /** Takes the next available chain; the caller saw {@link #pending()} above zero. */
    public DescriptorChain pop() throws VirtqueueException {
        try {
            return popChain();
        } catch (BadGuestAddressException e) {
            // the rings were checked to be RAM when the queue was set up; a layout that changed since is the driver's fault too
            throw new VirtqueueException(e.getMessage());
        }
    }

    private DescriptorChain popChain() throws VirtqueueException {
        int slot = lastAvail & (ring.size() - 1);
        int head = memory.readShort(ring.availEntry(slot)) & 0xFFFF;
        lastAvail = (lastAvail + 1) & 0xFFFF;
        if (head >= ring.size()) {
            throw new VirtqueueException("head " + head + " outside a table of " + ring.size());
        }
        List<Descriptor> chain = new ArrayList<>(1);
        int index = head;
        boolean sawWritable = false;
        while (true) {
            if (budget-- <= 0) {
                throw new VirtqueueException("chains longer than the queue (a loop?) at head " + head);
            }
            memory.readBytes(ring.desc(index), descBytes, 0, 16);
            long addr = desc.getLong(0);
            long len = Integer.toUnsignedLong(desc.getInt(8));
            int flags = desc.getShort(12) & 0xFFFF;
            int next = desc.getShort(14) & 0xFFFF;
            if ((flags & SplitRingLayout.DESC_F_INDIRECT) != 0) {
                throw new VirtqueueException("INDIRECT descriptor without VIRTIO_F_INDIRECT_DESC at head " + head);
            }
            boolean writable = (flags & SplitRingLayout.DESC_F_WRITE) != 0;
            if (sawWritable && !writable) {
                throw new VirtqueueException("a device-readable descriptor after a writable one at head " + head);
            }
            sawWritable |= writable;
            if (len > 0 && !memory.isRam(addr, len)) {
                throw new VirtqueueException("buffer 0x" + Long.toHexString(addr) + "+" + len + " is not guest RAM");
            }
            chain.add(new Descriptor(addr, len, flags));
            if ((flags & SplitRingLayout.DESC_F_NEXT) == 0) {
                return new DescriptorChain(head, chain);
            }
            if (next >= ring.size()) {
                throw new VirtqueueException("next " + next + " outside a table of " + ring.size());
            }
            index = next;
        }
    }

    /** Puts a used element for {@code head} (id and len in one 8-byte write); visible to the driver at the next {@link #publishUsed()}. */
    public void pushUsed(int head, int writtenBytes) {
        memory.writeLong(ring.usedElem(usedIdx & (ring.size() - 1)), Integer.toUnsignedLong(head) | ((long) writtenBytes << 32));
        usedIdx = (usedIdx + 1) & 0xFFFF;
    }

    /** Release store of the used index: the driver that sees it sees the elements. */
    public void publishUsed() {
        memory.writeShortRelease(ring.usedIdx(), (short) usedIdx);
    }

    /** Sets or clears VIRTQ_USED_F_NO_NOTIFY, then a full fence, so a later look at the available index is ordered after it. */
    public void suppressNotifications(boolean suppress) {
        memory.writeShortRelease(ring.usedFlags(), (short) (suppress ? SplitRingLayout.USED_F_NO_NOTIFY : 0));
        memory.fullFence();
    }

    /** Whether the driver asked for no used-buffer notifications (VIRTQ_AVAIL_F_NO_INTERRUPT), read after a full fence. */
    public boolean interruptsSuppressed() throws VirtqueueException {
        memory.fullFence();
        try {
            return (memory.readShort(ring.availFlags()) & SplitRingLayout.AVAIL_F_NO_INTERRUPT) != 0;
        } catch (BadGuestAddressException e) {
            throw new VirtqueueException(e.getMessage());
        }
    }
}
