package io.pagehint.x86.tighten;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.testing.TighteningChecks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The x86 tightener against the page-by-page rule, on every kind of x86 layout ({@link X86Catalogue}):
 * the reference checks that every architecture's tightener passes ({@link TighteningChecks}).
 */
class X86TighteningTest {

    private final BitmapTightener tightener = new X86BitmapTightener();

    /** The guest sends a loose bitmap, the host tightens it whole. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#checkedPageByPage")
    void everyPatternTightensAsThePerBitRuleSays(String name, GuestMemoryLayout layout) {
        TighteningChecks.tightensWholeAsThePerBitRuleSays(tightener, layout, name.hashCode());
    }

    /** Guests of a tebibyte and more, checked around every edge. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#checkedInWindows")
    void largeGuestsTightenAsThePerBitRuleSaysAroundEveryEdge(String name, GuestMemoryLayout layout) {
        TighteningChecks.tightensAsThePerBitRuleSaysAroundEveryEdge(tightener, layout, name.hashCode());
    }

    /** The loose bitmap arrives in chunks, in any order, and the host tightens each chunk as it comes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#streamed")
    void chunksArrivingInAnyOrderEndAsTheWhole(String name, GuestMemoryLayout layout) {
        TighteningChecks.piecesInAnyOrderEndAsTheWhole(tightener, layout, name.hashCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#streamed")
    void aChunkRecomputesItsHostPagesAndNothingElse(String name, GuestMemoryLayout layout) {
        TighteningChecks.aPieceRecomputesItsHostPagesAndNothingElse(tightener, layout, ~name.hashCode());
    }
}
