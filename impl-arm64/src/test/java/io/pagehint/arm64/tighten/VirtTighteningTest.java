package io.pagehint.arm64.tighten;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.testing.NamedLayout;
import io.pagehint.api.tighten.testing.ReferenceTighteningTests;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The aarch64 virt tightener against the page-by-page rule, on every kind of virt layout
 * ({@link VirtCatalogue}): the same reference tests the x86 tightener passes ({@link ReferenceTighteningTests}).
 */
class VirtTighteningTest extends ReferenceTighteningTests {

    private final BitmapTightener tightener = new VirtBitmapTightener();

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

    @Test
    void layoutsOfOtherMachinesAreRefused() {
        GuestMemoryLayout q35 = new GuestMemoryLayout("x86_64", "q35", 4096,
                List.of(new RamBlock(0, "pc.ram", 1L << 20, 4096, List.of(new RamRange(0, 1L << 20, 0)))), List.of());
        GuestMemoryLayout eightK = new GuestMemoryLayout("aarch64", "virt", 8192,
                List.of(new RamBlock(0, "mach-virt.ram", 1L << 20, 8192, List.of(new RamRange(1L << 30, 1L << 20, 0)))), List.of());
        for (GuestMemoryLayout l : List.of(q35, eightK)) {
            assertThatThrownBy(() -> tightener.tighten(l, LooseFreePageBitmap.forLayout(l), new TightFreePageBitmap(l)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an aarch64 virt layout");
        }
    }
}
