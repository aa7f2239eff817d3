package io.pagehint.x86.layout;

import static io.pagehint.x86.layout.Sizes.GiB;
import static io.pagehint.x86.layout.Sizes.TiB;

/**
 * Where the memory above 4 GiB goes: the RAM above the split, then the device-memory region that
 * DIMMs are plugged into, then the 64-bit PCI window; and, for AMD guests, whether all of it moves
 * to 1 TiB to stay clear of the HyperTransport range. The rules are those of hw/i386/pc.c
 * (pc_memory_init, pc_get_device_memory_range, pc_pci_hole64_start, pc_max_used_gpa).
 *
 * @param above4gStart       guest-physical start of the RAM above 4 GiB (4 GiB, or 1 TiB after the AMD relocation)
 * @param above4gSize        bytes of RAM there (may be 0)
 * @param deviceMemoryBase   start of the device-memory region, 0 if the machine has none
 * @param deviceMemorySize   its size (maxmem - RAM, plus 1 GiB per slot), 0 if none
 * @param maxUsedGpa         the highest guest-physical address the machine may use, PCI window included
 */
record HighMemory(long above4gStart, long above4gSize, long deviceMemoryBase, long deviceMemorySize, long maxUsedGpa) {

    /**
     * The start of the AMD HyperTransport range: AMD hosts with an IOMMU reserve
     * {@code [0xfd00000000, 1 TiB)} for interrupts, I/O and configuration, and a guest that puts RAM or
     * PCI BARs there cannot DMA to it (AMD_HT_START in hw/i386/pc.c, citing the AMD IOMMU spec).
     */
    static final long AMD_HT_START = 0xfd_0000_0000L;
    /** The end of the HyperTransport range (exclusive): 1 TiB, where QEMU moves the RAM above 4 GiB. */
    static final long AMD_HT_END = TiB;

    boolean hasDeviceMemory() {
        return deviceMemorySize > 0;
    }

    /**
     * Places the high memory of a machine.
     *
     * @param above4gSize RAM above the split
     * @param ram         all boot RAM
     * @throws IllegalArgumentException if the guest CPU cannot address it all ({@code phys-bits} too
     *                                  low), as pc_memory_init refuses
     */
    static HighMemory place(X86MachineType type, X86Options o, long above4gSize, long ram) {
        HighMemory at4g = at(4 * GiB, above4gSize, ram, o);
        HighMemory placed = at4g;
        // pc_memory_init: an AMD guest whose highest possible address reaches the HyperTransport range
        // gets its RAM above 4 GiB (and all that follows it) moved to 1 TiB. Machine types before 7.1 do not.
        if (o.cpuVendor() == CpuVendor.AMD && X86MachineType.enforceAmd1TbHole(o.version())
                && at4g.maxUsedGpa >= AMD_HT_START) {
            placed = at(AMD_HT_END, above4gSize, ram, o);
        }
        long addressable = (1L << o.physBits()) - 1;
        if (placed.maxUsedGpa > addressable) {
            throw new IllegalArgumentException(type.machineName() + " with " + Sizes.format(ram) + " of RAM"
                    + (placed.hasDeviceMemory() ? " and maxmem " + Sizes.format(o.maxmem()) : "")
                    + " uses guest-physical addresses up to " + Sizes.hex(placed.maxUsedGpa)
                    + ", beyond the " + o.physBits() + "-bit limit " + Sizes.hex(addressable)
                    + "; QEMU refuses it: raise " + X86Options.PHYS_BITS);
        }
        return placed;
    }

    private static HighMemory at(long start, long above4gSize, long ram, X86Options o) {
        try {
            long aboveEnd = Math.addExact(start, above4gSize);
            long devBase = 0;
            long devSize = 0;
            long hole64Start = aboveEnd;
            // pc_memory_init: a device-memory region exists when maxmem exceeds the RAM
            if (o.maxmem() > ram) {
                devBase = Sizes.alignUp(aboveEnd, GiB);
                devSize = o.maxmem() - ram;
                if (X86MachineType.alignedDimms(o.version())) {
                    // room for each slot's DIMM to be aligned up to 1 GiB
                    devSize = Math.addExact(devSize, Math.multiplyExact(GiB, (long) o.slots()));
                }
                hole64Start = X86MachineType.brokenReservedEnd(o.version()) ? devBase : Math.addExact(devBase, devSize);
            }
            long maxUsed = Math.addExact(Sizes.alignUp(hole64Start, GiB), o.pciHole64Size()) - 1;
            return new HighMemory(start, above4gSize, devBase, devSize, maxUsed);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the memory of this machine does not fit in a 64-bit address space");
        }
    }
}
