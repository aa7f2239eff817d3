package io.pagehint.channel.testing;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.List;

/** Small guest layouts built by hand, shaped like QEMU's pc machine, for channel tests. */
public final class Layouts {

    public static final int PAGE = 4096;
    public static final long MiB = 1L << 20;
    public static final long GiB = 1L << 30;
    /** The legacy VGA and BIOS area the guest never has on its free lists. */
    public static final ReservedRange LEGACY = new ReservedRange(0xA0000, 0x60000, "legacy VGA/BIOS");

    private Layouts() {
    }

    /** {@code ram} bytes at guest-physical 0, one block, the legacy area reserved. */
    public static GuestMemoryLayout flat(long ram) {
        RamBlock block = new RamBlock(0, "pc.ram", ram, PAGE, List.of(new RamRange(0, ram, 0)));
        return new GuestMemoryLayout("x86_64", "pc", PAGE, List.of(block), List.of(LEGACY));
    }

    /**
     * {@code below} bytes at 0 and {@code above} bytes at 4 GiB, one block, a hole between: the
     * shape of a pc guest with RAM above the PCI hole.
     */
    public static GuestMemoryLayout withHole(long below, long above) {
        RamBlock block = new RamBlock(0, "pc.ram", below + above, PAGE,
                List.of(new RamRange(0, below, 0), new RamRange(4 * GiB, above, below)));
        return new GuestMemoryLayout("x86_64", "pc", PAGE, List.of(block), List.of(LEGACY));
    }
}
