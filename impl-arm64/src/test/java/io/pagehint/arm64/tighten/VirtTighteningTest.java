package io.pagehint.arm64.tighten;

import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.testing.NamedLayout;
import io.pagehint.api.tighten.testing.ReferenceTighteningTests;
import io.pagehint.tighten.whiteboard.LayoutBitmapTightener;
import java.util.stream.Stream;

/**
 * The aarch64 virt tightener against the page-by-page rule, on every kind of virt layout
 * ({@link VirtCatalogue}): the same reference tests the x86 tightener passes ({@link ReferenceTighteningTests}).
 */
class VirtTighteningTest extends ReferenceTighteningTests {

    private final BitmapTightener tightener = LayoutBitmapTightener.serving("aarch64", "virt");

    @Override
    protected BitmapTightener tightener() {
        return tightener;
    }

    @Override
    protected Stream<NamedLayout> checkedPageByPage() {
        return VirtCatalogue.checkedPageByPage();
    }

    @Override
    protected Stream<NamedLayout> checkedInWindows() {
        return VirtCatalogue.checkedInWindows();
    }

    @Override
    protected Stream<NamedLayout> streamed() {
        return VirtCatalogue.streamed();
    }
}
