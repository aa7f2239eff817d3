package io.pagehint.arm64.layout;

import io.pagehint.api.memory.ByteSize;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the guest-physical layout of a guest of QEMU's Arm {@code virt} machine:
 *
 * <ol>
 *   <li>The RAM size is rounded up to 8 KiB, as QEMU's system/vl.c does with -m.</li>
 *   <li>All boot RAM is the block {@code mach-virt.ram}, one range from 1 GiB ({@link VirtMemoryMap}).</li>
 *   <li>Each DIMM is a further block in the device-memory region above RAM ({@link VirtDimms}).</li>
 *   <li>Nothing inside RAM is reserved: the firmware, the devices and the PCIe windows all sit below
 *       1 GiB or above RAM, and the device tree's memory node covers the whole of RAM. (What the guest
 *       kernel keeps for itself, such as the device tree blob QEMU loads at the start of RAM, it
 *       keeps allocated, so it never calls it free.)</li>
 * </ol>
 *
 * The guest page size is the guest kernel's, 4, 16 or 64 KiB. A block's host pages are recorded as at
 * least one guest page: the dirty log and the bitmaps of pagehint are kept per guest page, so on a
 * 4 KiB-page host a 64 KiB-page guest's RAM is tracked, and skipped, in whole guest pages. A block must
 * be a whole number of its host pages and of guest pages; QEMU would leave a partial last page that a
 * {@link RamBlock} cannot describe (and a guest could not use), so such a size is refused here.
 */
public final class VirtLayouts {

    /** The architecture name, as the service properties and {@link GuestMemoryLayout#arch()} use it. */
    public static final String ARCH = "aarch64";
    /** The machine type. */
    public static final String MACHINE = "virt";
    /** The guest page sizes served: the three aarch64 translation granules. */
    public static final List<Integer> GUEST_PAGE_SIZES = List.of(4096, 16384, 65536);
    /** The boot RAM block of virt (its default_ram_id). */
    public static final String BOOT_RAM_BLOCK = "mach-virt.ram";

    private VirtLayouts() {
    }

    /**
     * The layout of {@code spec}; see {@link VirtOptions} for the options.
     *
     * @throws IllegalArgumentException for another architecture or machine type, an unknown option, or a
     *                                  machine QEMU would refuse to build
     */
    public static GuestMemoryLayout layout(MachineSpec spec) {
        if (!ARCH.equals(spec.arch())) {
            throw new IllegalArgumentException("architecture '" + spec.arch() + "' is not " + ARCH);
        }
        if (!MACHINE.equals(spec.machine())) {
            throw new IllegalArgumentException("aarch64 machine type '" + spec.machine() + "' is not modelled; known: " + MACHINE);
        }
        long ram = VirtMemoryMap.alignUp(spec.ramBytes(), 8192);
        VirtOptions o = VirtOptions.parse(spec, ram);
        long hostPage = Math.max(o.hostPageSize(), o.guestPageSize());
        if (ram % hostPage != 0) {
            throw new IllegalArgumentException("RAM size " + ByteSize.format(ram) + " is not a whole number of "
                    + ByteSize.format(hostPage) + (hostPage == o.guestPageSize() ? " guest" : " host") + " pages; the last"
                    + " page would be partly RAM, which this layout does not model: choose a multiple of " + ByteSize.format(hostPage));
        }
        VirtMemoryMap map = VirtMemoryMap.of(ram, o);
        List<RamBlock> blocks = new ArrayList<>();
        blocks.add(new RamBlock(0, BOOT_RAM_BLOCK, ram, hostPage, List.of(new RamRange(map.ramBase(), ram, 0))));
        blocks.addAll(VirtDimms.plug(o, map, 1));
        return new GuestMemoryLayout(ARCH, MACHINE, o.guestPageSize(), blocks, List.of());
    }
}
