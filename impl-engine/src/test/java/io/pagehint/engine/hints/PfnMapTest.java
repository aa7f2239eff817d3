package io.pagehint.engine.hints;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.engine.toy.ToyLayouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PFN spans to block page ranges, checked against numbers worked out by hand from the toy PC
 * layout: low RAM from PFN 0 is block 0 from page 0; high RAM from 4 GiB (PFN 0x100000) follows
 * it in block 0; a DIMM is block 1.
 */
class PfnMapTest {

    private static final long LOW_PAGES = (16L << 20) / 4096;   // 4096
    private static final long HIGH_PFN = (4L << 30) / 4096;     // 0x100000

    private static List<long[]> ranges(GuestMemoryLayout layout, long from, long to) {
        List<long[]> out = new ArrayList<>();
        new PfnMap(layout).forEachBlockRange(from, to, (block, f, t) -> out.add(new long[] {block, f, t}));
        return out;
    }

    @Test
    void lowRamMapsOneToOne() {
        assertThat(ranges(ToyLayouts.small(), 100, 200)).containsExactly(new long[] {0, 100, 200});
    }

    @Test
    void highRamFollowsLowRamInTheSameBlock() {
        assertThat(ranges(ToyLayouts.small(), HIGH_PFN + 10, HIGH_PFN + 20))
                .containsExactly(new long[] {0, LOW_PAGES + 10, LOW_PAGES + 20});
    }

    @Test
    void aSpanAcrossTheHoleGivesTwoRangesAndNothingForTheHole() {
        assertThat(ranges(ToyLayouts.small(), LOW_PAGES - 4, HIGH_PFN + 4))
                .containsExactly(new long[] {0, LOW_PAGES - 4, LOW_PAGES}, new long[] {0, LOW_PAGES, LOW_PAGES + 4});
    }

    @Test
    void aSpanInsideTheHoleOrBeyondRamGivesNothing() {
        assertThat(ranges(ToyLayouts.small(), LOW_PAGES, HIGH_PFN)).isEmpty();
        assertThat(ranges(ToyLayouts.small(), HIGH_PFN + LOW_PAGES, HIGH_PFN + LOW_PAGES + 100)).isEmpty();
    }

    @Test
    void aDimmIsItsOwnBlockFromPageZero() {
        GuestMemoryLayout withDimm = ToyLayouts.pc(16L << 20, 16L << 20, 4096, 4L << 20);
        long dimmPfn = ((4L << 30) + (16L << 20) + (1L << 30)) / 4096;
        assertThat(ranges(withDimm, dimmPfn + 3, dimmPfn + 9)).containsExactly(new long[] {1, 3, 9});
    }

    @Test
    void rangesWidenToWholeHostPagesAndStopAtTheBlocksEnd() {
        GuestMemoryLayout huge = ToyLayouts.pc(16L << 20, 0, 2L << 20, 0); // 512 guest pages per host page, 4096 pages
        assertThat(ranges(huge, 513, 514)).containsExactly(new long[] {0, 512, 1024});
        assertThat(ranges(huge, 511, 513)).containsExactly(new long[] {0, 0, 1024});
        assertThat(ranges(huge, 4000, 5000)).containsExactly(new long[] {0, 3584, 4096});
    }
}
