package io.pagehint.x86.layout;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the guest-physical layout of a QEMU {@code pc} or {@code q35} guest on KVM:
 *
 * <ol>
 *   <li>The RAM size is rounded up to 8 KiB, as QEMU's system/vl.c set_memory_options does with -m.</li>
 *   <li>All boot RAM is one RAM block, {@code pc.ram} (the machine's default_ram_id), mapped by two
 *       aliases as hw/i386/pc.c pc_memory_init does: {@code ram-below-4g} at guest-physical 0 for the
 *       low part, {@code ram-above-4g} for the rest, at 4 GiB (1 TiB for large AMD guests; see
 *       {@link HighMemory}). The low part's size is the machine type's rule ({@link X86MachineType}).</li>
 *   <li>Each DIMM is a further block in the device-memory region ({@link DimmPlacement}).</li>
 *   <li>The reserved ranges are the firmware's ({@link FirmwareReservedRanges}).</li>
 * </ol>
 *
 * Guest pages are 4 KiB. A RAM block must be a whole number of its host pages: QEMU would back the
 * tail of a block that is not with a partly used huge page, which a {@link RamBlock} cannot describe,
 * so such a size is refused here.
 */
public final class X86Layouts {

    /** The architecture name of the layouts, as the service properties and {@link GuestMemoryLayout#arch()} use it. */
    public static final String ARCH = "x86_64";
    /** The machine types served. */
    public static final List<String> MACHINES = List.of("pc", "q35");
    /** x86 guest pages are 4 KiB. */
    public static final int GUEST_PAGE_SIZE = 4096;
    /** The name of the boot RAM block on pc and q35 (PCMachineClass default_ram_id). */
    public static final String BOOT_RAM_BLOCK = "pc.ram";

    private static final Logger LOG = LoggerFactory.getLogger(X86Layouts.class);

    private X86Layouts() {
    }

    /**
     * The layout of {@code spec}; see {@link X86Options} for the options.
     *
     * @throws IllegalArgumentException for another architecture, an unknown machine type or option, or a
     *                                  machine QEMU would refuse to build
     */
    public static GuestMemoryLayout layout(MachineSpec spec) {
        if (!ARCH.equals(spec.arch())) {
            throw new IllegalArgumentException("architecture '" + spec.arch() + "' is not " + ARCH);
        }
        X86MachineType type = X86MachineType.named(spec.machine());
        long ram = Sizes.alignUp(spec.ramBytes(), 8192);
        X86Options o = X86Options.parse(type, spec, ram);
        if (ram % o.hostPageSize() != 0) {
            throw new IllegalArgumentException("RAM size " + Sizes.format(ram) + " is not a whole number of "
                    + Sizes.format(o.hostPageSize()) + " host pages; QEMU would leave the last huge page partly"
                    + " used, which this layout does not model: choose a multiple of " + Sizes.format(o.hostPageSize()));
        }
        long below = type.ramBelow4g(ram, o.maxRamBelow4g(), X86MachineType.gigabyteAlign(o.version()));
        long above = ram - below;
        warnLikeQemu(type, o, ram);
        HighMemory high = HighMemory.place(type, o, above, ram);

        List<RamRange> ranges = new ArrayList<>();
        ranges.add(new RamRange(0, below, 0));
        if (above > 0) {
            ranges.add(new RamRange(high.above4gStart(), above, below));
        }
        List<RamBlock> blocks = new ArrayList<>();
        blocks.add(new RamBlock(0, BOOT_RAM_BLOCK, ram, o.hostPageSize(), ranges));
        blocks.addAll(DimmPlacement.place(o.dimms(), o, high, ram, 1));
        return new GuestMemoryLayout(ARCH, type.machineName(), GUEST_PAGE_SIZE, blocks, FirmwareReservedRanges.of(type, o));
    }

    private static void warnLikeQemu(X86MachineType type, X86Options o, long ram) {
        if (type.splitOffGigabyte(ram, o.maxRamBelow4g(), X86MachineType.gigabyteAlign(o.version()))) {
            LOG.warn("{} with {} of RAM: max-ram-below-4g={} is not a multiple of 1G; possible bad performance (QEMU warns too)",
                    type.machineName(), Sizes.format(ram), Sizes.format(o.maxRamBelow4g()));
        }
    }
}
