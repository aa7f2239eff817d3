package io.pagehint.tighten.algorithm;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.PageRun;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tightening algorithm of section 5 of the design note for any {@link GuestMemoryLayout}: the
 * {@link BitmapTightener} this bundle registers for each layout provider delegates here, so every
 * architecture keeps the same promises with the same code.
 *
 * <p>An instance is compiled once per layout ({@link #forLayout}) into flat tables: for each RAM block,
 * its RAM runs ({@link GuestMemoryLayout#ramRuns()}) and its <em>usable</em> stretches (its runs of
 * {@link GuestMemoryLayout#usableRam()}), sorted by page offset in the block. A call then only walks those tables and moves
 * words: it allocates nothing but its result, and instances are immutable and safe to share between
 * threads.
 *
 * <p>How a call recomputes a span of host pages of a block (see {@link #tighten(LooseFreePageBitmap,
 * long, long, TightFreePageBitmap)}): each usable stretch in the span is copied from the loose bitmap
 * with {@link TighteningBits#copyRange} (shifted word copies, since a stretch's PFN and block offset need
 * not agree modulo 64), the pages between stretches (reserved pages) and past the loose bitmap's end
 * are cleared, and for huge host pages {@link TighteningBits#retainFullGroups} (the huge-page rule) then keeps a host page only
 * if every one of its guest pages is set. The span always holds whole host pages, and all the
 * stretches that touch it are copied before the rule runs, so a host page whose guest pages come from
 * two guest-physical ranges (the RAM below 4 GiB ends, and the RAM above it starts, inside one huge
 * page when the split is not on a host-page boundary) is decided from both.
 *
 * <p>While a call runs, the tight bits of the host pages it recomputes are in flux (a huge page's bits
 * are copied before the rule clears them); read those bits, for example to filter the migration bitmap,
 * after the call returns, as the engine does.
 */
public final class LayoutTightener {

    private final GuestMemoryLayout layout;
    private final Block[] blocks;
    /** Usable stretches of all blocks, by PFN: for counting the loose bits that fall outside them. */
    private final long[] usablePfnStart;
    private final long[] usablePfnEnd;

    private LayoutTightener(GuestMemoryLayout layout) {
        this.layout = layout;
        List<PageRun> ram = layout.ramRuns();
        List<PageRun> usable = layout.usableRam();
        this.blocks = new Block[layout.blocks().size()];
        for (RamBlock b : layout.blocks()) {
            blocks[b.index()] = new Block(b, layout.guestPageSize(), ram, usable);
        }
        usablePfnStart = usable.stream().mapToLong(PageRun::firstPfn).toArray();
        usablePfnEnd = usable.stream().mapToLong(PageRun::endPfn).toArray();
    }

    /**
     * Compiles the tightener of {@code layout}.
     *
     * @throws IllegalArgumentException if two ranges of one block map the same block bytes (aliased
     *                                  RAM): a tight bit could then stand for two guest pages
     */
    public static LayoutTightener forLayout(GuestMemoryLayout layout) {
        return new LayoutTightener(layout);
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    /** Tightens the whole loose bitmap: {@code tighten(loose, 0, max(loose PFN limit, layout PFN limit), into)}. */
    public TightenResult tighten(LooseFreePageBitmap loose, TightFreePageBitmap into) {
        return tighten(loose, 0, Math.max(loose.pfnLimit(), layout.pfnLimit()), into);
    }

    /**
     * Recomputes the tight bits of every host page that holds a guest page with a PFN in
     * {@code [fromPfn, toPfn)}, from the loose bitmap as it is now, and leaves every other tight bit
     * alone: the streaming contract of {@link BitmapTightener#tighten(GuestMemoryLayout,
     * LooseFreePageBitmap, long, long, TightFreePageBitmap)}. Tightening a loose bitmap piece by piece,
     * in any order and with pieces of any size, leaves the same tight bitmap as tightening it whole.
     *
     * <p>A recomputed tight bit is set exactly when its host page's guest pages are all usable (in a
     * RAM range, touching no reserved range, below the loose bitmap's end) and all set in the loose bitmap.
     *
     * @return {@link TightenResult#holeBits()}: loose bits set in {@code [fromPfn, toPfn)} outside the
     *         usable stretches (so the hole bits of pieces add up to those of the whole);
     *         {@link TightenResult#freePages()} and {@link TightenResult#partialHostPageBits()}: the
     *         free tight bits, and the usable loose bits dropped by the huge-page rule, in the host
     *         pages this call recomputed
     * @throws IllegalArgumentException if {@code into} or {@code loose} belong to another layout or page
     *                                  size, or the PFN range is negative or reversed
     */
    public TightenResult tighten(LooseFreePageBitmap loose, long fromPfn, long toPfn, TightFreePageBitmap into) {
        if (into.layout() != layout && !into.layout().equals(layout)) {
            throw new IllegalArgumentException("the tight bitmap belongs to another layout");
        }
        if (loose.guestPageSize() != layout.guestPageSize()) {
            throw new IllegalArgumentException("loose bitmap of " + loose.guestPageSize() + "-byte pages for a layout of "
                    + layout.guestPageSize() + "-byte pages");
        }
        if (fromPfn < 0 || toPfn < fromPfn) {
            throw new IllegalArgumentException("bad PFN range [" + fromPfn + ", " + toPfn + ")");
        }
        PageBitmap src = loose.bits();
        long freePages = 0;
        long partialHostPageBits = 0;
        for (Block block : blocks) {
            PageBitmap tight = into.block(block.index);
            long done = 0; // host pages below this block page are already recomputed by this call
            for (int k = 0; k < block.rangePfn.length; k++) {
                long p0 = Math.max(fromPfn, block.rangePfn[k]);
                long p1 = Math.min(toPfn, block.rangePfn[k] + block.rangeLen[k]);
                if (p0 >= p1) {
                    continue;
                }
                // ranges are in block order and do not overlap there, so the host-page spans only grow
                long h0 = Math.max(done, block.floor(block.rangePage[k] + (p0 - block.rangePfn[k])));
                long h1 = Math.min(block.pages, block.ceil(block.rangePage[k] + (p1 - block.rangePfn[k])));
                if (h0 < h1) {
                    partialHostPageBits += block.recompute(src, h0, h1, tight);
                    freePages += tight.cardinality(h0, h1);
                    done = h1;
                }
            }
        }
        return new TightenResult(freePages, holeBits(src, fromPfn, toPfn), partialHostPageBits);
    }

    /**
     * Loose bits set in {@code [from, to)} that no usable stretch covers, counted in the gaps between
     * the stretches only (holes and reserved pages are a sliver of a large guest's PFNs; a hole that the
     * guest leaves alone costs nothing, its loose segments never being allocated).
     */
    private long holeBits(PageBitmap src, long from, long to) {
        long end = Math.min(to, src.size());
        long n = 0;
        long gap = from; // start of the current gap
        for (int i = 0; i < usablePfnStart.length && gap < end; i++) {
            if (usablePfnEnd[i] <= gap) {
                continue;
            }
            long gapEnd = Math.min(end, usablePfnStart[i]);
            if (gap < gapEnd) {
                n += src.cardinality(gap, gapEnd);
            }
            gap = Math.max(gap, usablePfnEnd[i]);
        }
        if (gap < end) {
            n += src.cardinality(gap, end);
        }
        return n;
    }

    /** One RAM block's tables. */
    private static final class Block {
        final int index;
        final long pages;
        /** Guest pages per host page. */
        final long group;
        /** The block's ranges by page offset in the block. */
        final long[] rangePfn;
        final long[] rangePage;
        final long[] rangeLen;
        /** The usable stretches by page offset in the block. */
        final long[] segPfn;
        final long[] segPage;
        final long[] segLen;

        Block(RamBlock b, int pageSize, List<PageRun> ram, List<PageRun> usable) {
            index = b.index();
            pages = b.size() / pageSize;
            group = b.hostPageSize() / pageSize;
            List<PageRun> ranges = ofBlock(ram);
            for (int i = 1; i < ranges.size(); i++) {
                if (ranges.get(i).firstBlockPage() < ranges.get(i - 1).endBlockPage()) {
                    throw new IllegalArgumentException(b.name() + ": two ranges map the same block bytes at offset "
                            + ranges.get(i).firstBlockPage() * pageSize);
                }
            }
            rangePfn = ranges.stream().mapToLong(PageRun::firstPfn).toArray();
            rangePage = ranges.stream().mapToLong(PageRun::firstBlockPage).toArray();
            rangeLen = ranges.stream().mapToLong(PageRun::pages).toArray();
            List<PageRun> segs = ofBlock(usable);
            segPfn = segs.stream().mapToLong(PageRun::firstPfn).toArray();
            segPage = segs.stream().mapToLong(PageRun::firstBlockPage).toArray();
            segLen = segs.stream().mapToLong(PageRun::pages).toArray();
        }

        /** This block's runs of {@code runs}, by page offset in the block. */
        private List<PageRun> ofBlock(List<PageRun> runs) {
            List<PageRun> mine = new ArrayList<>();
            for (PageRun r : runs) {
                if (r.block() == index) {
                    mine.add(r);
                }
            }
            mine.sort(Comparator.comparingLong(PageRun::firstBlockPage));
            return mine;
        }

        /**
         * Recomputes the host pages of block pages {@code [h0, h1)} (whole host pages): tight = loose
         * over each usable stretch, clear elsewhere, then the huge-page rule.
         *
         * @return the loose bits the huge-page rule dropped
         */
        long recompute(PageBitmap src, long h0, long h1, PageBitmap tight) {
            long cursor = h0;
            for (int s = firstSegmentEndingAfter(h0); s < segPage.length && segPage[s] < h1; s++) {
                long a = Math.max(h0, segPage[s]);
                long b = Math.min(h1, segPage[s] + segLen[s]);
                if (cursor < a) {
                    tight.clearRange(cursor, a);
                }
                long pfn = segPfn[s] + (a - segPage[s]);
                long inLoose = Math.max(0, Math.min(b - a, src.size() - pfn));
                if (inLoose > 0) {
                    TighteningBits.copyRange(tight, src, pfn, a, inLoose);
                }
                if (a + inLoose < b) {
                    tight.clearRange(a + inLoose, b); // PFNs past the loose bitmap's end are not free
                }
                cursor = b;
            }
            if (cursor < h1) {
                tight.clearRange(cursor, h1);
            }
            return group > 1 ? TighteningBits.retainFullGroups(tight, h0, h1, group) : 0;
        }

        /** The first usable stretch that ends after block page {@code page}. */
        private int firstSegmentEndingAfter(long page) {
            int lo = 0;
            int hi = segPage.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (segPage[mid] + segLen[mid] <= page) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        long floor(long page) {
            return page - page % group;
        }

        long ceil(long page) {
            long r = page % group;
            return r == 0 ? page : page + group - r;
        }
    }

    @Override
    public String toString() {
        return "LayoutTightener[" + layout.arch() + "/" + layout.machine() + ", " + blocks.length + " blocks]";
    }
}
