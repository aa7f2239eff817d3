package io.pagehint.reference.testing;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Layouts for tests: hand-built x86-like ones for the RAM layer and the kernel model (one block
 * "pc.ram"; RAM below the PCI hole at 0, the rest at 4 GiB; the legacy area under 1 MiB reserved;
 * optionally a DIMM as a second block), and the real providers' (impl-x86 and impl-arm64), which the
 * guest process uses.
 */
public final class TestLayouts {

    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;

    private TestLayouts() {
    }

    /** The layout QEMU gives {@code spec}, from the real x86 layout provider (impl-x86). */
    public static GuestMemoryLayout x86(io.pagehint.api.memory.MachineSpec spec) {
        return new io.pagehint.x86.layout.X86LayoutProvider().layout(spec);
    }

    /** The layout QEMU gives {@code spec}, from the real provider of its architecture (impl-x86 or impl-arm64). */
    public static GuestMemoryLayout of(io.pagehint.api.memory.MachineSpec spec) {
        return "aarch64".equals(spec.arch()) ? new io.pagehint.arm64.layout.VirtLayoutProvider().layout(spec) : x86(spec);
    }

    /** A QEMU virt guest of {@code ram} bytes with machine options {@code name=value}, from impl-arm64's provider. */
    public static GuestMemoryLayout virt(long ram, String... options) {
        java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
        for (String opt : options) {
            o.put(opt.substring(0, opt.indexOf('=')), opt.substring(opt.indexOf('=') + 1));
        }
        return of(new io.pagehint.api.memory.MachineSpec("aarch64", "virt", ram, o));
    }

    /** RAM {@code [0, ram)} with the legacy reserved ranges, when {@code ram} is below the q35 split. */
    public static GuestMemoryLayout small(long ram) {
        return split(ram, ram);
    }

    /** {@code below} bytes at 0 and the rest at 4 GiB, one block, 4 KiB host pages. */
    public static GuestMemoryLayout split(long ram, long below) {
        List<RamRange> ranges = new ArrayList<>();
        ranges.add(new RamRange(0, Math.min(ram, below), 0));
        if (ram > below) {
            ranges.add(new RamRange(4 * GIB, ram - below, below));
        }
        RamBlock pcRam = new RamBlock(0, "pc.ram", ram, 4096, ranges);
        return new GuestMemoryLayout("x86_64", "q35", 4096, List.of(pcRam), List.of(
                new ReservedRange(0x9fc00, 0x400, "EBDA"),
                new ReservedRange(0xa0000, 0x60000, "VGA, option ROMs, BIOS")));
    }

    /** {@link #small} plus a second RAM block (a DIMM) mapped above it at 4 GiB. */
    public static GuestMemoryLayout withDimm(long ram, long dimm) {
        GuestMemoryLayout base = small(ram);
        RamBlock d = new RamBlock(1, "dimm0", dimm, 4096, List.of(new RamRange(4 * GIB, dimm, 0)));
        return new GuestMemoryLayout("x86_64", "q35", 4096, List.of(base.blocks().get(0), d), base.reserved());
    }
}
