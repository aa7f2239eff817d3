package io.pagehint.channel.virtio.ring;

import io.pagehint.api.vm.DeviceMemory;

/**
 * Where a split virtqueue of {@code size} entries lives in guest-physical memory: the descriptor
 * table (16 bytes per entry, 16-aligned), the available ring ("driver area": flags, idx, ring,
 * 2-aligned) and the used ring ("device area": flags, idx, elements of 8 bytes, 4-aligned).
 */
public record SplitRingLayout(int size, long descTable, long availRing, long usedRing) {

    /** The largest queue size the specification allows. */
    public static final int MAX_SIZE = 32768;

    /** Descriptor flag: the chain continues at {@code next}. */
    public static final int DESC_F_NEXT = 1;
    /** Descriptor flag: the buffer is device-writable. */
    public static final int DESC_F_WRITE = 2;
    /** Descriptor flag: the buffer holds a table of descriptors. */
    public static final int DESC_F_INDIRECT = 4;
    /** Available-ring flag: the driver wants no used-buffer notifications. */
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** Used-ring flag: the device wants no queue notifications. */
    public static final int USED_F_NO_NOTIFY = 1;

    public SplitRingLayout {
        if (size <= 0 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("queue size " + size + " is not a power of two up to " + MAX_SIZE);
        }
        if ((descTable & 15) != 0 || (availRing & 1) != 0 || (usedRing & 3) != 0) {
            throw new IllegalArgumentException("ring areas are not aligned (16, 2, 4)");
        }
        if (descTable < 0 || availRing < 0 || usedRing < 0) {
            throw new IllegalArgumentException("ring areas at negative addresses");
        }
    }

    public static long descTableBytes(int size) {
        return 16L * size;
    }

    public static long availRingBytes(int size) {
        return 6 + 2L * size;
    }

    public static long usedRingBytes(int size) {
        return 6 + 8L * size;
    }

    /** The three areas one after the other from {@code base} (16-aligned), as a driver lays them out. */
    public static SplitRingLayout contiguous(long base, int size) {
        long avail = base + descTableBytes(size);
        long used = (avail + availRingBytes(size) + 3) & ~3L;
        return new SplitRingLayout(size, base, avail, used);
    }

    /** Bytes {@link #contiguous} needs. */
    public static long contiguousBytes(int size) {
        long avail = descTableBytes(size);
        long used = (avail + availRingBytes(size) + 3) & ~3L;
        return used + usedRingBytes(size);
    }

    /** Whether all three areas lie in guest RAM. */
    public boolean liesIn(DeviceMemory memory) {
        return memory.isRam(descTable, descTableBytes(size)) && memory.isRam(availRing, availRingBytes(size))
                && memory.isRam(usedRing, usedRingBytes(size));
    }

    long desc(int index) {
        return descTable + 16L * index;
    }

    long availFlags() {
        return availRing;
    }

    long availIdx() {
        return availRing + 2;
    }

    long availEntry(int slot) {
        return availRing + 4 + 2L * slot;
    }

    long usedFlags() {
        return usedRing;
    }

    long usedIdx() {
        return usedRing + 2;
    }

    long usedElem(int slot) {
        return usedRing + 4 + 8L * slot;
    }
}
