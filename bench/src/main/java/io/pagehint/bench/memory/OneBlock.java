package io.pagehint.bench.memory;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.List;

/** The simplest guest layout for data-path benchmarks: one RAM block of 4 KiB pages at guest-physical 0. */
public final class OneBlock {

    public static final int PAGE = 4096;

    private OneBlock() {
    }

    public static GuestMemoryLayout layout(long bytes) {
        return new GuestMemoryLayout("x86_64", "bench", PAGE,
                List.of(new RamBlock(0, "ram", bytes, PAGE, List.of(new RamRange(0, bytes, 0)))), List.of());
    }
}
