package io.pagehint.api.tighten.testing;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.pagehint.api.tighten.BitmapTightener;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The randomised reference tests of an architecture's tightener, written once: an architecture's test
 * extends this, names its tightener and its layouts, and gets every check of {@link TighteningChecks}
 * run on every layout, each as its own test named after the layout.
 *
 * <ul>
 *   <li>{@link #checkedPageByPage()}: loose bitmaps of every {@link LoosePattern}, tightened whole,
 *       compared page by page and count by count with the {@link PerBitRule};</li>
 *   <li>{@link #checkedInWindows()}: a sparse and an all-free bitmap of guests too large to walk,
 *       checked around every edge and accounted for by counting;</li>
 *   <li>{@link #streamed()}: loose bitmaps arriving in chunks, in any order, must end as the whole; a
 *       chunk must recompute its host pages and leave every other tight bit alone.</li>
 * </ul>
 */
public abstract class ReferenceTighteningTests {

    /** The tightener under test. */
    protected abstract BitmapTightener tightener();

    /** Layouts the per-bit rule can walk page by page: 8 GiB of 4 KiB pages at the most. */
    protected abstract Stream<NamedLayout> checkedPageByPage();

    /** Layouts too large to walk page by page: checked around every edge. */
    protected abstract Stream<NamedLayout> checkedInWindows();

    /** Layouts whose loose bitmaps are tightened in chunks: host pages of two ranges, huge pages, gaps. */
    protected abstract Stream<NamedLayout> streamed();

    @TestFactory
    Stream<DynamicTest> everyPatternTightensAsThePerBitRuleSays() {
        return checkedPageByPage().map(l -> dynamicTest(l.name(),
                () -> TighteningChecks.tightensWholeAsThePerBitRuleSays(tightener(), l.layout(), l.name().hashCode())));
    }

    @TestFactory
    Stream<DynamicTest> aLargeGuestsSparseBitmapIsRightAroundEveryEdgeAndNothingElseIsSet() {
        return checkedInWindows().map(l -> dynamicTest(l.name(),
                () -> TighteningChecks.aSparseBitmapIsRightAroundEveryEdgeAndNothingElseIsSet(tightener(), l.layout(), l.name().hashCode())));
    }

    @TestFactory
    Stream<DynamicTest> aLargeAllFreeGuestLosesOnlyTheHostPagesNextToReservedOnes() {
        return checkedInWindows().map(l -> dynamicTest(l.name(),
                () -> TighteningChecks.anAllFreeGuestLosesOnlyTheHostPagesNextToReservedOnes(tightener(), l.layout())));
    }

    @TestFactory
    Stream<DynamicTest> chunksArrivingInAnyOrderEndAsTheWhole() {
        return streamed().map(l -> dynamicTest(l.name(),
                () -> TighteningChecks.piecesInAnyOrderEndAsTheWhole(tightener(), l.layout(), l.name().hashCode())));
    }

    @TestFactory
    Stream<DynamicTest> aChunkRecomputesItsHostPagesAndNothingElse() {
        return streamed().map(l -> dynamicTest(l.name(),
                () -> TighteningChecks.aPieceRecomputesItsHostPagesAndNothingElse(tightener(), l.layout(), ~l.name().hashCode())));
    }
}
