package io.pagehint.x86.layout;

import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the DIMMs ({@code -device pc-dimm}) into the device-memory region in the order they are plugged,
 * each its own RAM block, as hw/mem/memory-device.c memory_device_get_free_addr does for devices
 * without an address of their own: the first fit from the region's base, each DIMM aligned to the
 * alignment of its memory backend.
 *
 * <p>The alignment is that of a {@code memory-backend-ram} (QEMU_VMALLOC_ALIGN, 2 MiB on x86_64 Linux)
 * or of the backend's huge pages if larger ({@code file_ram_alloc} in system/physmem.c aligns a file
 * backend to its page size); machine types before 2.2 align every DIMM to 4 KiB instead. A DIMM's size
 * must be a multiple of its alignment, as QEMU demands.
 *
 * <p>QEMU names a DIMM's RAM block after its memory backend's id; these blocks are named
 * {@code dimm0}, {@code dimm1}, ... in plug order.
 */
final class DimmPlacement {

    private DimmPlacement() {
    }

    /**
     * The DIMM blocks, indexed from {@code firstIndex}.
     *
     * @throws IllegalArgumentException where QEMU would refuse to plug a DIMM
     */
    static List<RamBlock> place(List<Long> dimms, X86Options o, HighMemory high, long ram, int firstIndex) {
        if (dimms.isEmpty()) {
            return List.of();
        }
        // pc_dimm_get_free_slot (hw/mem/pc-dimm.c): each DIMM takes a slot
        if (dimms.size() > o.slots()) {
            throw new IllegalArgumentException(dimms.size() + " DIMMs but " + o.slots()
                    + " memory slots: QEMU has no free slot for DIMM " + o.slots());
        }
        long align = X86MachineType.alignedDimms(o.version())
                ? Math.max(X86MachineType.DIMM_MIN_ALIGN, o.dimmHostPageSize()) : 4096;
        long regionEnd = high.deviceMemoryBase() + high.deviceMemorySize();
        long room = o.maxmem() - ram;
        long used = 0;
        long next = high.deviceMemoryBase();
        List<RamBlock> blocks = new ArrayList<>();
        for (int i = 0; i < dimms.size(); i++) {
            long size = dimms.get(i);
            String name = "dimm" + i;
            if (size % align != 0) {
                throw new IllegalArgumentException(name + ": size " + Sizes.format(size)
                        + " is not a multiple of its backend's alignment " + Sizes.format(align) + ", which QEMU demands");
            }
            if (size % o.dimmHostPageSize() != 0) {
                throw new IllegalArgumentException(name + ": size " + Sizes.format(size) + " is not a whole number of "
                        + Sizes.format(o.dimmHostPageSize()) + " host pages");
            }
            // memory_device_check_addable: all memory devices together fit in maxmem - RAM
            used += size;
            if (used > room) {
                throw new IllegalArgumentException(name + ": not enough space for DIMMs: " + Sizes.format(used)
                        + " of DIMMs but maxmem leaves " + Sizes.format(room) + " above the RAM");
            }
            long addr = Sizes.alignUp(next, align);
            if (addr + size > regionEnd) {
                throw new IllegalArgumentException(name + ": could not find a position in the device-memory region "
                        + "(memory fragmented by alignment)");
            }
            blocks.add(new RamBlock(firstIndex + i, name, size, o.dimmHostPageSize(), List.of(new RamRange(addr, size, 0))));
            next = addr + size;
        }
        return blocks;
    }
}
