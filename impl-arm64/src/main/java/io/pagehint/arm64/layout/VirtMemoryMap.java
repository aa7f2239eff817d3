package io.pagehint.arm64.layout;

import static io.pagehint.arm64.layout.ArmPageSizes.GiB;

import io.pagehint.api.memory.ByteSize;

/**
 * Where QEMU's {@code virt} machine puts memory, as hw/arm/virt.c lays it out (base_memmap,
 * virt_set_memmap, virt_set_high_memmap):
 *
 * <ul>
 *   <li>Below 1 GiB there is no RAM: the flash for firmware at 0 (128 MiB), then the GIC, UART, RTC,
 *       fw_cfg, virtio-mmio transports and the platform bus, and the 32-bit PCIe MMIO window, I/O
 *       space and ECAM up to 1 GiB. Devices sit on 64 KiB boundaries, so that guests of 64 KiB pages
 *       can map them (the comment on base_memmap).</li>
 *   <li>All boot RAM is one block, {@code mach-virt.ram} (the machine's default_ram_id), mapped
 *       contiguously from 1 GiB (the VIRT_MEM entry): a guest of 3 GiB or less stays below 4 GiB, a
 *       larger one simply continues above it; there is no split and no hole inside RAM.</li>
 *   <li>The device-memory region, where DIMMs go, starts at the first 1 GiB boundary at or above the
 *       end of RAM and is {@code maxmem - RAM} plus 1 GiB per memory slot long (room to align each
 *       DIMM to a gigabyte page).</li>
 *   <li>The MMIO regions above RAM (a second GIC redistributor region, the 256 MiB high PCIe ECAM, the
 *       512 GiB high PCIe window) float above the device-memory region, but never below 256 GiB
 *       (LEGACY_RAMLIMIT_BYTES: 255 GiB of RAM from 1 GiB, the fixed limit of RAM before QEMU 4.0), so a
 *       guest of up to 255 GiB keeps the memory map QEMU has always given it. Since QEMU 4.0 a larger
 *       guest's RAM runs on past 256 GiB and these regions move up. A region that does not fit the
 *       address space is dropped, never an error ({@code highmem-*} and {@code compact-highmem} only
 *       choose which are kept and how tightly they pack), so they never move RAM and are not
 *       modelled here.</li>
 *   <li>The top of memory (end of the device-memory region, or of RAM when there is none) must fit the
 *       guest's physical address space: the VM's IPA size, or 32 bits with {@code highmem=off}, which
 *       leaves at most 3 GiB of RAM. QEMU refuses the machine otherwise.</li>
 * </ul>
 *
 * @param ramBase          guest-physical start of RAM: 1 GiB
 * @param ram              bytes of boot RAM
 * @param deviceMemoryBase start of the device-memory region
 * @param deviceMemorySize its size; 0 when the machine has none
 * @param memoryTop        one past the last byte of RAM or device memory, rounded up to 1 GiB
 */
record VirtMemoryMap(long ramBase, long ram, long deviceMemoryBase, long deviceMemorySize, long memoryTop) {

    /** VIRT_MEM: RAM starts at 1 GiB. */
    static final long RAM_BASE = GiB;
    /**
     * The memory map of a {@code virt} guest of {@code ram} bytes with {@code o}'s options.
     *
     * @throws IllegalArgumentException where virt_set_memmap refuses the machine
     */
    static VirtMemoryMap of(long ram, VirtOptions o) {
        try {
            long deviceMemoryBase = alignUp(Math.addExact(RAM_BASE, ram), GiB);
            long deviceMemorySize = Math.addExact(o.maxmem() - ram, Math.multiplyExact(GiB, (long) o.slots()));
            long top = Math.addExact(deviceMemoryBase, alignUp(deviceMemorySize, GiB));
            // !highmem is the same as a 32-bit physical address space, whatever the hardware offers
            int paBits = o.highmem() ? o.ipaBits() : 32;
            if (top > (1L << paBits)) {
                throw new IllegalArgumentException("addressing is limited to " + paBits + " bits, but memory ("
                        + ByteSize.format(ram) + " of RAM from 1G" + (deviceMemorySize > 0 ? ", then the device memory for maxmem and slots" : "")
                        + ") exceeds it by " + ByteSize.format(top - (1L << paBits)) + ", which QEMU refuses: "
                        + (o.highmem() ? "raise " + VirtOptions.IPA_BITS : "a guest with highmem=off has at most 3G of RAM"));
            }
            return new VirtMemoryMap(RAM_BASE, ram, deviceMemoryBase, deviceMemorySize, top);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("maxmem/slots too huge: the memory of this machine does not fit in 64 bits");
        }
    }

    boolean hasDeviceMemory() {
        return deviceMemorySize > 0;
    }

    static long alignUp(long value, long alignment) {
        return Math.addExact(value, alignment - 1) & -alignment;
    }
}
