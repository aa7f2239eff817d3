package io.pagehint.tighten.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.testing.NamedLayout;
import io.pagehint.api.tighten.testing.PerBitTightener;
import io.pagehint.api.tighten.testing.ReferenceTighteningTests;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The algorithm every architecture delegates to, on layouts made by hand to be awkward (no machine has
 * them: other page sizes, ranges out of order, block pages nothing maps, reserved bytes inside RAM); and the
 * page-by-page tightener that the engine's tests stand in with, on the same reference tests, so that
 * both ends of every architecture's reference tests are themselves tested.
 */
class LayoutTightenerTest {

    static final long K = 1L << 10;
    static final long M = 1L << 20;
    static final long G = 1L << 30;

    static Stream<NamedLayout> awkwardLayouts() {
        return Stream.of(
                // the part below the hole ends, and the part above it starts, inside one 2 MiB host page
                new NamedLayout("split inside a huge page", new GuestMemoryLayout("toy", "split", 4096, List.of(
                        new RamBlock(0, "ram", 8 * M, 2 * M, List.of(new RamRange(0, 3 * M, 0), new RamRange(16 * M, 5 * M, 3 * M)))),
                        List.of(new ReservedRange(0x9_f000, 0x6_1000, "legacy"), new ReservedRange(6 * M + 4 * K, 4 * K, "one page")))),
                // 64 KiB guest pages from 1 GiB, 512 MiB host pages; a DIMM of 2 MiB pages far above
                new NamedLayout("64K pages, a DIMM", new GuestMemoryLayout("toy", "big-pages", 64 * 1024, List.of(
                        new RamBlock(0, "ram", 1 * G, 512 * M, List.of(new RamRange(G, G, 0))),
                        new RamBlock(1, "dimm0", 6 * M, 2 * M, List.of(new RamRange(3 * G, 6 * M, 0)))),
                        List.of(new ReservedRange(G + 64 * 1024, 1, "a byte")))),
                // the high range comes first in the block; block offsets and PFNs disagree modulo 64
                new NamedLayout("ranges out of order", new GuestMemoryLayout("toy", "shuffled", 4096, List.of(
                        new RamBlock(0, "ram", 12 * M, 4 * K, List.of(new RamRange(4 * K, 4 * M, 8 * M),
                                new RamRange(100 * M + 12 * K, 8 * M, 0)))),
                        List.of())),
                // an arm64-like guest: RAM from 1 GiB, 64 KiB host pages, a firmware area inside RAM
                new NamedLayout("virt-like, 64K host pages", new GuestMemoryLayout("aarch64", "virt", 4096,
                        List.of(new RamBlock(0, "mach-virt.ram", 96 * M, 64 * K, List.of(new RamRange(G, 96 * M, 0)))),
                        List.of(new ReservedRange(G + 40 * K, 20 * K, "firmware")))),
                // three ranges mapped into one block in a different order than their addresses, at odd offsets
                new NamedLayout("three shuffled ranges", new GuestMemoryLayout("test", "shuffled", 4096,
                        List.of(new RamBlock(0, "ram", 16 * M, 32 * K, List.of(
                                new RamRange(0x10_0000L, 3 * M + 12 * K, 5 * M + 4 * K),
                                new RamRange(0x80_0000L, 5 * M, 4 * K),
                                new RamRange(0x200_0000L, 4 * M, 12 * M)))),
                        List.of(new ReservedRange(0x81_2345L, 10, "a byte or ten")))),
                // a block with pages that nothing maps, beside a DIMM of 2 MiB pages holding two ranges
                new NamedLayout("unmapped block pages", new GuestMemoryLayout("test", "sparse", 4096,
                        List.of(new RamBlock(0, "ram", 8 * M, 4 * K, List.of(new RamRange(0, 3 * M, 0), new RamRange(8 * M, M, 5 * M))),
                                new RamBlock(1, "dimm", 8 * M, 2 * M, List.of(
                                        new RamRange(64 * M, 3 * M + 256 * K, 0), new RamRange(80 * M, 4 * M, 4 * M)))),
                        List.of())),
                // 16 KiB guest pages on 2 MiB host pages, the two ranges meeting inside a host page
                new NamedLayout("16K guest pages", new GuestMemoryLayout("aarch64", "virt", 16 * 1024,
                        List.of(new RamBlock(0, "ram", 32 * M, 2 * M, List.of(
                                new RamRange(0x4000_0000L, 19 * M + 16 * K * 3, 0),
                                new RamRange(0x8000_0000L, 13 * M - 16 * K * 3, 19 * M + 16 * K * 3)))),
                        List.of(new ReservedRange(0x4000_0000L + 2 * M, 16 * K, "one page")))));
    }

    /** The algorithm, compiled per call, as a tightener. */
    @Nested
    class TheAlgorithm extends ReferenceTighteningTests {

        @Override
        protected BitmapTightener tightener() {
            return (layout, loose, from, to, into) -> LayoutTightener.forLayout(layout).tighten(loose, from, to, into);
        }

        @Override
        protected Stream<NamedLayout> checkedPageByPage() {
            return awkwardLayouts();
        }

        @Override
        protected Stream<NamedLayout> checkedInWindows() {
            return awkwardLayouts();
        }

        @Override
        protected Stream<NamedLayout> streamed() {
            return awkwardLayouts();
        }
    }

    /** The reference tightener keeps the whole contract too, the streaming part included. */
    @Nested
    class ThePageByPageTightener extends ReferenceTighteningTests {

        @Override
        protected BitmapTightener tightener() {
            return new PerBitTightener();
        }

        @Override
        protected Stream<NamedLayout> checkedPageByPage() {
            return awkwardLayouts();
        }

        @Override
        protected Stream<NamedLayout> checkedInWindows() {
            return Stream.empty();
        }

        @Override
        protected Stream<NamedLayout> streamed() {
            return awkwardLayouts();
        }
    }

    @Test
    void bitmapsOfAnotherLayoutOrPageSizeAreRefused() {
        GuestMemoryLayout layout = awkwardLayouts().findFirst().orElseThrow().layout();
        GuestMemoryLayout other = awkwardLayouts().skip(1).findFirst().orElseThrow().layout();
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

    @Test
    void aliasedRamIsRefused() {
        GuestMemoryLayout aliased = new GuestMemoryLayout("toy", "alias", 4096, List.of(
                new RamBlock(0, "ram", 8 * M, 4 * K, List.of(new RamRange(0, 4 * M, 0), new RamRange(G, 4 * M, 2 * M)))), List.of());
        assertThatThrownBy(() -> LayoutTightener.forLayout(aliased)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same block bytes");
    }
}
