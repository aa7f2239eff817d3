package io.pagehint.x86.tighten;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
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
        long seed = name.hashCode();
        for (LoosePattern pattern : LoosePattern.values()) {
            check(layout, pattern, layout.pfnLimit(), seed++);
        }
        // a guest that reports fewer PFNs than it has (the tail counts as used), or more (the excess is holes)
        long last = layout.pfnLimit();
        check(layout, LoosePattern.RANDOM, last - last / 3 - 1, seed++);
        check(layout, LoosePattern.ALL_ONES, last + 777, seed);
    }

    private void check(GuestMemoryLayout layout, LoosePattern pattern, long pfnLimit, long seed) {
        TightenAssertions.tightensAsThePerBitRuleSays(tightener, layout, pattern.make(layout, pfnLimit, seed),
                layout.machine() + ", " + pattern + " of " + pfnLimit + " PFNs");
    }
}
