package io.pagehint.arm64.layout;

import io.pagehint.api.memory.ByteSize;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugs the DIMMs ({@code -device pc-dimm}) of a {@code virt} guest into its device-memory region, in
 * order, each its own RAM block named {@code dimm0}, {@code dimm1}, ... (QEMU names the block after the
 * memory backend's id).
 *
 * <ul>
 *   <li>virt_memory_pre_plug: a DIMM needs the ACPI generic event device, which the machine creates only
 *       with ACPI on (and a guest booting firmware, as aarch64 guests with ACPI do); without it QEMU says
 *       "memory hotplug is not enabled".</li>
 *   <li>hw/mem/memory-device.c memory_device_get_free_addr: each DIMM takes the lowest free address at
 *       or above the region's base that is aligned to its backend's alignment, and its size must be a
 *       multiple of that alignment. On an aarch64 Linux host an anonymous backend is aligned to 2 MiB
 *       (QEMU_VMALLOC_ALIGN in include/qemu/osdep.h), a huge-page backend to its page size if larger.</li>
 *   <li>memory_device_check_addable: all DIMMs together fit in {@code maxmem - RAM}; and each takes one of
 *       the {@code slots}.</li>
 * </ul>
 */
final class VirtDimms {

    /** QEMU_VMALLOC_ALIGN on aarch64 Linux. */
    static final long ANONYMOUS_ALIGN = 2 * ArmPageSizes.MiB;

    private VirtDimms() {
    }

    /**
     * The DIMM blocks, indexed from {@code firstIndex}.
     *
     * @throws IllegalArgumentException where QEMU would refuse to plug a DIMM
     */
    static List<RamBlock> plug(VirtOptions o, VirtMemoryMap map, int firstIndex) {
        List<Long> dimms = o.dimms();
        if (dimms.isEmpty()) {
            return List.of();
        }
        if (!o.acpi()) {
            throw new IllegalArgumentException("memory hotplug is not enabled: missing acpi-ged device "
                    + "(QEMU creates it only with ACPI on; DIMMs need acpi=on or auto)");
        }
        if (dimms.size() > o.slots()) {
            throw new IllegalArgumentException(dimms.size() + " DIMMs but " + o.slots() + " memory slots: no slot is free for dimm"
                    + o.slots());
        }
        long align = Math.max(ANONYMOUS_ALIGN, o.dimmHostPageSize());
        long regionEnd = map.deviceMemoryBase() + map.deviceMemorySize();
        long room = o.maxmem() - map.ram();
        long plugged = 0;
        long free = map.deviceMemoryBase();
        List<RamBlock> blocks = new ArrayList<>();
        for (int i = 0; i < dimms.size(); i++) {
            long size = dimms.get(i);
            String name = "dimm" + i;
            if (size % align != 0) {
                throw new IllegalArgumentException(name + ": backend memory size must be a multiple of "
                        + ByteSize.format(align) + ", not " + ByteSize.format(size));
            }
            plugged += size;
            if (plugged > room) {
                throw new IllegalArgumentException(name + ": not enough space, currently " + ByteSize.format(plugged - size)
                        + " of " + ByteSize.format(room) + " (maxmem - RAM) are in use by DIMMs");
            }
            long at = VirtMemoryMap.alignUp(free, align);
            if (at + size > regionEnd) {
                throw new IllegalArgumentException(name + ": could not find a position in the device-memory region");
            }
            blocks.add(new RamBlock(firstIndex + i, name, size, Math.max(o.dimmHostPageSize(), o.guestPageSize()),
                    List.of(new RamRange(at, size, 0))));
            free = at + size;
        }
        return blocks;
    }
}
