package io.pagehint.x86.layout;

import static io.pagehint.x86.layout.Sizes.GiB;
import static io.pagehint.x86.layout.Sizes.MiB;

import java.util.Locale;

/**
 * QEMU's two PC machine types and the rules by which each splits RAM around the 32-bit PCI hole.
 * Both put the first part of RAM at guest-physical 0 and the rest at 4 GiB; they differ in how much
 * stays below 4 GiB.
 */
enum X86MachineType {

    /**
     * {@code pc}: i440FX + PIIX3. hw/i386/pc_piix.c pc_init1: the low part is at most
     * {@code max-ram-below-4g} (3.5 GiB unless set). When the RAM does not fit under that limit and the
     * machine type is gigabyte-aligned (pc-i440fx-2.0 and newer) the split moves down to 3 GiB, so that
     * guest addresses on 1 GiB boundaries stay on 1 GiB boundaries of the RAM block; raising
     * {@code max-ram-below-4g} above 3.5 GiB lets a smaller guest keep all of its RAM below 4 GiB.
     * The 64-bit PCI window defaults to 2 GiB (I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT, hw/pci-host/i440fx.c).
     */
    PC("pc", 2 * GiB) {
        @Override
        long ramBelow4g(long ram, long maxRamBelow4g, boolean gigabyteAlign) {
            long limit = maxRamBelow4g == 0 ? 0xe000_0000L : maxRamBelow4g;
            long lowmem = limit;
            if (ram >= limit && gigabyteAlign) {
                lowmem = Math.min(lowmem, 0xc000_0000L);
            }
            return Math.min(ram, lowmem);
        }

        @Override
        boolean splitOffGigabyte(long ram, long maxRamBelow4g, boolean gigabyteAlign) {
            long limit = maxRamBelow4g == 0 ? 0xe000_0000L : maxRamBelow4g;
            return gigabyteAlign && ram >= limit && ramBelow4g(ram, maxRamBelow4g, true) % GiB != 0;
        }
    },

    /**
     * {@code q35}: Q35 + ICH9. hw/i386/pc_q35.c pc_q35_init: RAM below 4 GiB stops at 2.75 GiB
     * (0xb0000000, leaving room for 512 MiB of 32-bit PCI space and 256 MiB of PCIe MMCONFIG); a guest
     * with 2.75 GiB or more keeps only 2 GiB below on gigabyte-aligned machine types (pc-q35-2.0 and
     * newer). {@code max-ram-below-4g} can only lower that, never raise it. The 64-bit PCI window
     * defaults to 32 GiB (Q35_PCI_HOST_HOLE64_SIZE_DEFAULT, hw/pci-host/q35.c).
     */
    Q35("q35", 32 * GiB) {
        @Override
        long ramBelow4g(long ram, long maxRamBelow4g, boolean gigabyteAlign) {
            long lowmem = ram >= 0xb000_0000L && gigabyteAlign ? 0x8000_0000L : 0xb000_0000L;
            long limit = maxRamBelow4g == 0 ? 4 * GiB : maxRamBelow4g;
            lowmem = Math.min(lowmem, limit);
            return Math.min(ram, lowmem);
        }

        @Override
        boolean splitOffGigabyte(long ram, long maxRamBelow4g, boolean gigabyteAlign) {
            long lowmem = ram >= 0xb000_0000L && gigabyteAlign ? 0x8000_0000L : 0xb000_0000L;
            return maxRamBelow4g != 0 && lowmem > maxRamBelow4g && ram - maxRamBelow4g > maxRamBelow4g
                    && maxRamBelow4g % GiB != 0;
        }
    };

    private final String machineName;
    private final long defaultPciHole64Size;

    X86MachineType(String machineName, long defaultPciHole64Size) {
        this.machineName = machineName;
        this.defaultPciHole64Size = defaultPciHole64Size;
    }

    /**
     * Bytes of RAM mapped from guest-physical 0; the rest goes above 4 GiB.
     *
     * @param ram            the RAM size
     * @param maxRamBelow4g  the {@code max-ram-below-4g} option, 0 when not set
     * @param gigabyteAlign  whether the machine type moves the split to a gigabyte boundary
     */
    abstract long ramBelow4g(long ram, long maxRamBelow4g, boolean gigabyteAlign);

    /**
     * Whether QEMU warns that this large guest's split is not on a gigabyte boundary, which costs
     * performance (guest huge pages straddle host huge pages). It warns and goes on.
     */
    abstract boolean splitOffGigabyte(long ram, long maxRamBelow4g, boolean gigabyteAlign);

    /** The machine type as {@code -machine} and the service properties name it. */
    String machineName() {
        return machineName;
    }

    long defaultPciHole64Size() {
        return defaultPciHole64Size;
    }

    /**
     * Gigabyte alignment of the split (PCMachineClass.gigabyte_align) came with the 2.0 machine types;
     * pc-i440fx-1.7, pc-q35-1.7 and older keep the historical split for migration compatibility.
     */
    static boolean gigabyteAlign(MachineVersion v) {
        return !v.before(2, 0);
    }

    /**
     * Whether DIMMs are aligned to their backend's page size and the device-memory region gets 1 GiB
     * of slack per slot (PCMachineClass.enforce_aligned_dimm, hw/i386/pc.c pc_memory_pre_plug and
     * pc_get_device_memory_range): true from the 2.2 machine types on; older ones align DIMMs to 4 KiB.
     */
    static boolean alignedDimms(MachineVersion v) {
        return !v.before(2, 2);
    }

    /**
     * Whether the 64-bit PCI window starts at the device-memory base instead of its end
     * (PCMachineClass.broken_reserved_end, hw/i386/pc.c pc_pci_hole64_start): machine types 2.4 and older.
     */
    static boolean brokenReservedEnd(MachineVersion v) {
        return v.before(2, 5);
    }

    /**
     * Whether AMD guests keep RAM out of the HyperTransport range below 1 TiB
     * (PCMachineClass.enforce_amd_1tb_hole, hw/i386/pc.c pc_memory_init): machine types 7.1 and newer.
     */
    static boolean enforceAmd1TbHole(MachineVersion v) {
        return !v.before(7, 1);
    }

    /** The type named {@code name} ("pc" or "q35", case ignored). */
    static X86MachineType named(String name) {
        for (X86MachineType t : values()) {
            if (t.machineName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("x86 machine type '" + name + "' is not modelled; known: pc, q35"
                + " (choose a versioned type such as pc-q35-7.0 with the machine-version option)");
    }

    /** Smallest alignment of a DIMM with aligned DIMMs: QEMU_VMALLOC_ALIGN of anonymous RAM on x86_64 Linux. */
    static final long DIMM_MIN_ALIGN = 2 * MiB;
}
