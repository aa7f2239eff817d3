package io.pagehint.api.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Usable RAM, worked out by hand on a small PC-like layout: low RAM of 1 MiB from 0 with a reserved
 * range over a part of a page and the page after it, RAM from 4 GiB after it in the same block, and a
 * DIMM in a block of its own.
 */
class GuestMemoryLayoutTest {

    private static final long K = 1024;
    private static final long M = K * K;
    private static final long G = M * K;

    private static final GuestMemoryLayout LAYOUT = new GuestMemoryLayout("toy", "pc", 4096, List.of(
            new RamBlock(0, "ram", 2 * M, 4 * K, List.of(new RamRange(0, M, 0), new RamRange(4 * G, M, M))),
            new RamBlock(1, "dimm0", M, 4 * K, List.of(new RamRange(4 * G + M, M, 0)))),
            List.of(new ReservedRange(0x9fc00, 0x1400, "EBDA and the page after it")));

    @Test
    void ramRunsSayWhereEveryPageFrameLivesByPfn() {
        assertThat(LAYOUT.ramRuns()).containsExactly(
                new PageRun(0, 256, 0, 0),
                new PageRun(0x100000, 0x100100, 0, 256),
                new PageRun(0x100100, 0x100200, 1, 0));
    }

    @Test
    void usableRamLeavesOutEveryPageAReservedRangeTouchesEvenInPart() {
        // 0x9fc00..0xa1000 touches pages 0x9f and 0xa0: both go
        assertThat(LAYOUT.usableRam()).containsExactly(
                new PageRun(0, 0x9f, 0, 0),
                new PageRun(0xa1, 256, 0, 0xa1),
                new PageRun(0x100000, 0x100100, 0, 256),
                new PageRun(0x100100, 0x100200, 1, 0));
    }

    @Test
    void isUsableRamAsksTheUsableRunsAndFollowsAdjacentOnes() {
        assertThat(LAYOUT.isUsableRam(0x9e000, 4096)).isTrue();
        assertThat(LAYOUT.isUsableRam(0x9f000, 16)).as("a byte of a page the reserved range touches").isFalse();
        assertThat(LAYOUT.isUsableRam(0xa1000, 0x5f000)).isTrue();
        assertThat(LAYOUT.isUsableRam(0xa1000, 0x60000)).as("one byte past low RAM").isFalse();
        assertThat(LAYOUT.isUsableRam(4 * G + M - 4096, 8192)).as("across two blocks, end to end").isTrue();
        assertThat(LAYOUT.isUsableRam(-1, 1)).isFalse();
        assertThat(LAYOUT.isUsableRam(Long.MAX_VALUE, 2)).isFalse();
    }
}
