package io.pagehint.runtime.layout;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.List;

/** Layouts made by hand for the tests, shaped like QEMU's q35. */
final class Layouts {

    static final long G = 1L << 30;

    private Layouts() {
    }

    /**
     * 3 GiB of pc.ram (2 GiB below 4 GiB, 1 GiB from 4 GiB), the legacy VGA/BIOS area reserved
     * over it, and a 1 GiB dimm0 right above pc.ram's high part, backed by 2 MiB host pages.
     */
    static GuestMemoryLayout q35WithDimm() {
        RamBlock pcRam = new RamBlock(0, "pc.ram", 3 * G, 4096,
                List.of(new RamRange(0, 2 * G, 0), new RamRange(4 * G, G, 2 * G)));
        RamBlock dimm = new RamBlock(1, "dimm0", G, 2 << 20, List.of(new RamRange(5 * G, G, 0)));
        return new GuestMemoryLayout("x86_64", "q35", 4096, List.of(pcRam, dimm),
                List.of(new ReservedRange(0xa0000, 0x60000, "legacy VGA and BIOS")));
    }
}
