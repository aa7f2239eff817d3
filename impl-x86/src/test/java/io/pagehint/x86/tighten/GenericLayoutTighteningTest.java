package io.pagehint.x86.tighten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.tighten.LayoutTightener;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LayoutTightener keeps its promises on layouts no x86 machine has, so that the next architecture
 * can rely on it: held against the per-bit rule for every bitmap pattern.
 */
class GenericLayoutTighteningTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.GenericCatalogue#layouts")
    void everyPatternTightensAsThePerBitRuleSays(String name, GuestMemoryLayout layout) {
        long seed = name.hashCode();
        for (LoosePattern pattern : LoosePattern.values()) {
            for (long limit : new long[] {layout.pfnLimit(), layout.pfnLimit() - 333, layout.pfnLimit() + 65}) {
                TightenAssertions.tightensAsThePerBitRuleSays(TightenAssertions.ANY_LAYOUT, layout,
                        pattern.make(layout, limit, seed++), name + ", " + pattern + " of " + limit + " PFNs");
            }
        }
    }

    @Test
    void aliasedRamIsRefused() {
        GuestMemoryLayout aliased = new GuestMemoryLayout("test", "alias", 4096, List.of(new RamBlock(0, "ram", 1 << 20, 4096,
                List.of(new RamRange(0, 1 << 19, 0), new RamRange(1 << 20, 1 << 19, 4096)))), List.of());
        assertThatThrownBy(() -> LayoutTightener.forLayout(aliased))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same block bytes");
    }

    @Test
    void bitmapsOfAnotherLayoutOrPageSizeAreRefused() {
        GuestMemoryLayout layout = X86Catalogue.layout("q35", 64L << 20);
        GuestMemoryLayout other = X86Catalogue.layout("q35", 128L << 20);
        LayoutTightener t = LayoutTightener.forLayout(layout);
        LooseFreePageBitmap loose = LooseFreePageBitmap.forLayout(layout);
        assertThatThrownBy(() -> t.tighten(loose, new TightFreePageBitmap(other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another layout");
        assertThatThrownBy(() -> t.tighten(new LooseFreePageBitmap(100, 8192), new TightFreePageBitmap(layout)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8192-byte pages");
        assertThatThrownBy(() -> t.tighten(loose, 10, 5, new TightFreePageBitmap(layout)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[10, 5)");
        assertThat(t.tighten(loose, 5, 5, new TightFreePageBitmap(layout)).freePages()).isZero();
    }
}
