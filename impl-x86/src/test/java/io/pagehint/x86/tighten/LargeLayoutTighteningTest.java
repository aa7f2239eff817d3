package io.pagehint.x86.tighten;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Terabyte guests, too large to check page by page: every host page near an edge (a range's ends,
 * a reserved range, a bitmap segment boundary) is checked against the per-bit rule, and the rest is
 * accounted for by counting.
 */
class LargeLayoutTighteningTest {

    private final BitmapTightener tightener = new X86BitmapTightener();

    /** A sparse guest: free pages only in short runs around the edges, so every free host page is near one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#checkedInWindows")
    void aSparseBitmapIsRightAroundEveryEdgeAndNothingElseIsSet(String name, GuestMemoryLayout layout) {
        PerBitTightener ref = new PerBitTightener(layout);
        LooseFreePageBitmap loose = new LooseFreePageBitmap(layout.pfnLimit(), layout.guestPageSize());
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (long pfn : LoosePattern.edges(layout)) {
            long group = groupAt(layout, pfn);
            // a whole host page around the edge, or a run a little short of one
            long start = Math.max(0, pfn - pfn % group - (rnd.nextBoolean() ? 0 : group));
            long end = Math.min(loose.pfnLimit(), start + group * (1 + rnd.nextInt(2)) - (rnd.nextBoolean() ? 0 : 1));
            if (start < end) {
                loose.bits().setRange(start, end);
            }
        }
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult result = tightener.tighten(layout, loose, tight);

        long expectedFree = 0;
        for (RamBlock b : layout.blocks()) {
            long group = b.hostPageSize() / layout.guestPageSize();
            TreeSet<Long> looked = hostPagesNearEdges(layout, b);
            // every host page holding a free guest page is near an edge, by construction
            for (long pfn = loose.bits().nextSetBit(0); pfn >= 0; pfn = loose.bits().nextSetBit(pfn + 1)) {
                long page = pageOf(layout, b, pfn);
                if (page >= 0) {
                    looked.add(page - page % group);
                }
                pfn = Math.min(pfn + group - 1 - pfn % group, loose.bits().size() - 1);
            }
            for (long first : looked) {
                boolean expected = ref.tightBit(b, first, loose.bits());
                expectedFree += expected ? group : 0;
                assertThat(tight.block(b.index()).cardinality(first, first + group))
                        .as("%s block %s host page at %d", name, b.name(), first).isEqualTo(expected ? group : 0);
            }
        }
        assertThat(result.freePages()).isEqualTo(expectedFree).isEqualTo(tight.cardinality());
        assertThat(result.holeBits()).isEqualTo(ref.holeBits(loose.bits(), 0, loose.pfnLimit()));
    }

    /** A guest with nothing in use: every host page is free except those touching a reserved page. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pagehint.x86.tighten.X86Catalogue#checkedInWindows")
    void anAllFreeGuestLosesOnlyTheHostPagesNextToReservedOnes(String name, GuestMemoryLayout layout) {
        PerBitTightener ref = new PerBitTightener(layout);
        LooseFreePageBitmap loose = new LooseFreePageBitmap(layout.pfnLimit(), layout.guestPageSize());
        loose.bits().setAll();
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult result = tightener.tighten(layout, loose, tight);
        long expectedFree = 0;
        for (RamBlock b : layout.blocks()) {
            long group = b.hostPageSize() / layout.guestPageSize();
            long hostPages = b.size() / b.hostPageSize();
            TreeSet<Long> looked = hostPagesNearEdges(layout, b);
            for (long first : looked) {
                boolean expected = ref.tightBit(b, first, loose.bits());
                expectedFree += expected ? group : 0;
                assertThat(tight.block(b.index()).cardinality(first, first + group))
                        .as("%s block %s host page at %d", name, b.name(), first).isEqualTo(expected ? group : 0);
            }
            // a host page away from every edge lies inside one range and touches no reserved page: free
            expectedFree += (hostPages - looked.size()) * group;
        }
        assertThat(result.freePages()).isEqualTo(expectedFree).isEqualTo(tight.cardinality());
        // every PFN is set: the hole bits are the PFNs that are not RAM, and the reserved pages of RAM
        long ps = layout.guestPageSize();
        TreeSet<Long> reservedRamPages = new TreeSet<>();
        for (ReservedRange res : layout.reserved()) {
            for (RamRange r : layout.ramRanges()) {
                long lo = Math.max(res.guestPhysAddr(), r.guestPhysAddr());
                long hi = Math.min(res.guestPhysEnd(), r.guestPhysEnd());
                for (long pfn = lo / ps; pfn * ps < hi; pfn++) {
                    reservedRamPages.add(pfn);
                }
            }
        }
        assertThat(result.holeBits()).isEqualTo(layout.pfnLimit() - layout.ramPages() + reservedRamPages.size());
    }

    /**
     * First pages of the host pages within two host pages of a range's end or a few segment
     * boundaries, and of every host page a reserved range inside RAM touches.
     */
    private static TreeSet<Long> hostPagesNearEdges(GuestMemoryLayout layout, RamBlock b) {
        long ps = layout.guestPageSize();
        long group = b.hostPageSize() / ps;
        long pages = b.size() / ps;
        TreeSet<Long> pagesNear = new TreeSet<>();
        for (RamRange r : b.ranges()) {
            pagesNear.add(r.blockOffset() / ps);
            pagesNear.add((r.blockOffset() + r.length()) / ps - 1);
            for (ReservedRange res : layout.reserved()) {
                long lo = Math.max(res.guestPhysAddr(), r.guestPhysAddr());
                long hi = Math.min(res.guestPhysEnd(), r.guestPhysEnd());
                for (long gpa = lo - lo % ps; gpa < hi; gpa += Math.min(ps * group, hi - gpa < ps ? ps : ps * group)) {
                    pagesNear.add(r.blockOffset() / ps + (gpa - r.guestPhysAddr()) / ps);
                }
                if (lo < hi) {
                    pagesNear.add(r.blockOffset() / ps + (hi - 1 - r.guestPhysAddr()) / ps);
                }
            }
        }
        long segmentPages = PageBitmap.SEGMENT_WORDS * 64L;
        for (long seg = segmentPages; seg < pages; seg += Math.max(segmentPages, pages / 4 / segmentPages * segmentPages)) {
            pagesNear.add(seg);
        }
        TreeSet<Long> hostPages = new TreeSet<>();
        for (long p : pagesNear) {
            for (long d = -2; d <= 2; d++) {
                long q = p - p % group + d * group;
                if (q >= 0 && q < pages) {
                    hostPages.add(q);
                }
            }
        }
        return hostPages;
    }

    private static long groupAt(GuestMemoryLayout layout, long pfn) {
        RamBlock b = layout.blockAt(pfn * layout.guestPageSize());
        return b == null ? 1 : b.hostPageSize() / layout.guestPageSize();
    }

    private static long pageOf(GuestMemoryLayout layout, RamBlock b, long pfn) {
        long gpa = pfn * layout.guestPageSize();
        for (RamRange r : b.ranges()) {
            if (r.containsGuestPhys(gpa)) {
                return (r.blockOffset() + gpa - r.guestPhysAddr()) / layout.guestPageSize();
            }
        }
        return -1;
    }
}
