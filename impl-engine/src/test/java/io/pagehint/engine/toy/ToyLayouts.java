package io.pagehint.engine.toy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.List;

/** Small layouts shaped like a PC's: RAM below a hole, the rest above it, a reserved bit under 1 MiB, optionally a DIMM. */
public final class ToyLayouts {

    private ToyLayouts() {
    }

    /** {@code low} bytes from 0, {@code high} bytes from 4 GiB, in one block of {@code hostPage} pages; plus a DIMM block if {@code dimm > 0}. */
    public static GuestMemoryLayout pc(long low, long high, long hostPage, long dimm) {
        long fourG = 4L << 30;
        List<RamRange> ranges = high > 0
                ? List.of(new RamRange(0, low, 0), new RamRange(fourG, high, low))
                : List.of(new RamRange(0, low, 0));
        RamBlock ram = new RamBlock(0, "pc.ram", low + high, hostPage, ranges);
        List<RamBlock> blocks = dimm > 0
                ? List.of(ram, new RamBlock(1, "dimm0", dimm, hostPage, List.of(new RamRange(fourG + high + (1L << 30), dimm, 0))))
                : List.of(ram);
        return new GuestMemoryLayout("toy", "pc", 4096, blocks,
                List.of(new ReservedRange(0x9F000, 0x61000, "legacy VGA and BIOS")));
    }

    public static GuestMemoryLayout small() {
        return pc(16L << 20, 16L << 20, 4096, 0);
    }
}
