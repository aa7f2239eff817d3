package io.pagehint.x86.tighten;

import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.testing.NamedLayout;
import io.pagehint.api.tighten.testing.ReferenceTighteningTests;
import io.pagehint.tighten.whiteboard.LayoutBitmapTightener;
import java.util.stream.Stream;

/**
 * The tightener the tighten bundle registers for this bundle's layout provider against the page-by-page rule, on every kind of x86 layout ({@link X86Catalogue}):
 * the reference tests that every architecture's tightener passes ({@link ReferenceTighteningTests}).
 */
class X86TighteningTest extends ReferenceTighteningTests {

    private final BitmapTightener tightener = LayoutBitmapTightener.serving("x86_64", "pc", "q35");

    @Override
    protected BitmapTightener tightener() {
        return tightener;
    }

    @Override
    protected Stream<NamedLayout> checkedPageByPage() {
        return X86Catalogue.checkedPageByPage();
    }

    @Override
    protected Stream<NamedLayout> checkedInWindows() {
        return X86Catalogue.checkedInWindows();
    }

    @Override
    protected Stream<NamedLayout> streamed() {
        return X86Catalogue.streamed();
    }
}
