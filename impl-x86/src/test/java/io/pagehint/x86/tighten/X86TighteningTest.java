package io.pagehint.x86.tighten;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guest sends a loose bitmap, the host tightens it whole: every page of every block must come out
 * as the per-bit rule says, for every kind of bitmap, on every kind of layout.
 */
class X86TighteningTest {

    private final BitmapTightener tightener = new X86BitmapTightener();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#checkedPageByPage")
    void everyPatternTightensAsThePerBitRuleSays(String name, GuestMemoryLayout layout) {
        PerBitTightener ref = new PerBitTightener(layout);
        long seed = name.hashCode();
        for (LoosePattern pattern : LoosePattern.values()) {
            check(layout, ref, pattern, layout.pfnLimit(), seed++);
        }
        // a guest that reports fewer PFNs than it has (the tail counts as used), or more (the excess is holes)
        long last = layout.pfnLimit();
        check(layout, ref, LoosePattern.RANDOM, last - last / 3 - 1, seed++);
        check(layout, ref, LoosePattern.ALL_ONES, last + 777, seed);
    }

    private void check(GuestMemoryLayout layout, PerBitTightener ref, LoosePattern pattern, long pfnLimit, long seed) {
        LooseFreePageBitmap loose = pattern.make(layout, pfnLimit, seed);
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult result = tightener.tighten(layout, loose, tight);
        long dropped = 0;
        for (RamBlock block : layout.blocks()) {
            PageBitmap expected = ref.tightBlock(block, loose.bits());
            PageBitmap actual = tight.block(block.index());
            assertThat(actual.sameBits(expected))
                    .as("%s, %s of %d PFNs: block %s differs first at page %d", layout.machine(), pattern, pfnLimit,
                            block.name(), firstDifference(actual, expected))
                    .isTrue();
            dropped += ref.droppedByHugePageRule(block, loose.bits());
        }
        assertThat(result).as("%s of %d PFNs", pattern, pfnLimit)
                .isEqualTo(new TightenResult(tight.cardinality(), ref.holeBits(loose.bits(), 0, pfnLimit), dropped));
    }

    static long firstDifference(PageBitmap a, PageBitmap b) {
        for (long w = 0; w < a.wordCount(); w++) {
            long x = a.word(w) ^ b.word(w);
            if (x != 0) {
                return w * 64 + Long.numberOfTrailingZeros(x);
            }
        }
        return -1;
    }

    static List<LoosePattern> patterns() {
        return List.of(LoosePattern.values());
    }
}
