package io.pagehint.api.memory;

import java.util.List;

/**
 * A block of guest RAM as the host allocates it (QEMU's RAMBlock, KVM's memslot backing): one
 * contiguous host allocation of {@code size} bytes backed by pages of {@code hostPageSize} bytes,
 * with the guest-physical ranges that map into it. The migration bitmap and the dirty log of a
 * block are indexed by guest-page offset in the block ("RAM offset").
 *
 * @param index        position of the block in its layout, from 0
 * @param name         the block's name ("pc.ram", "dimm0", "mach-virt.ram")
 * @param size         bytes, a multiple of {@code hostPageSize}
 * @param hostPageSize bytes per host page backing the block (4 KiB, 2 MiB, 1 GiB)
 * @param ranges       guest-physical ranges mapped into the block, by ascending guest-physical address
 */
public record RamBlock(int index, String name, long size, long hostPageSize, List<RamRange> ranges) {

    public RamBlock {
        ranges = List.copyOf(ranges);
        if (index < 0 || name == null || name.isBlank()) {
            throw new IllegalArgumentException("RAM block needs an index and a name");
        }
        if (hostPageSize <= 0 || Long.bitCount(hostPageSize) != 1) {
            throw new IllegalArgumentException(name + ": host page size must be a power of two: " + hostPageSize);
        }
        if (size <= 0 || size % hostPageSize != 0) {
            throw new IllegalArgumentException(name + ": size " + size + " is not a positive multiple of the host page size " + hostPageSize);
        }
        for (RamRange r : ranges) {
            if (r.blockOffset() + r.length() > size) {
                throw new IllegalArgumentException(name + ": range " + r + " lies outside the block");
            }
        }
    }

    /** Guest pages in the block for a given guest page size. */
    public long pages(long guestPageSize) {
        return size / guestPageSize;
    }
}
