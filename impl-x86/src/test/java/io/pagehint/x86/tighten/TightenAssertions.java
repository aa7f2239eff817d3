package io.pagehint.x86.tighten;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.LayoutTightener;
import io.pagehint.api.tighten.TightenResult;

/** Checks shared by the tightening tests. */
final class TightenAssertions {

    /** The API's algorithm as a BitmapTightener for any layout, as an architecture bundle would delegate to it. */
    static final BitmapTightener ANY_LAYOUT = (layout, loose, from, to, into) ->
            LayoutTightener.forLayout(layout).tighten(loose, from, to, into);

    private TightenAssertions() {
    }

    /** Tightens {@code loose} whole into a fresh tight bitmap and holds every page and count against the per-bit rule. */
    static void tightensAsThePerBitRuleSays(BitmapTightener tightener, GuestMemoryLayout layout, LooseFreePageBitmap loose,
                                            String what) {
        PerBitTightener ref = new PerBitTightener(layout);
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult result = tightener.tighten(layout, loose, tight);
        long dropped = 0;
        for (RamBlock block : layout.blocks()) {
            PageBitmap expected = ref.tightBlock(block, loose.bits());
            sameBits(tight.block(block.index()), expected, what + ", block " + block.name());
            dropped += ref.droppedByHugePageRule(block, loose.bits());
        }
        assertThat(result).as(what).isEqualTo(
                new TightenResult(tight.cardinality(), ref.holeBits(loose.bits(), 0, loose.pfnLimit()), dropped));
    }

    static void sameBits(PageBitmap actual, PageBitmap expected, String what) {
        assertThat(actual.sameBits(expected)).as("%s: differs first at page %d", what, firstDifference(actual, expected)).isTrue();
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
}
