package io.pagehint.api.tighten.testing;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The randomised reference checks every {@link BitmapTightener} must pass, on whatever layouts its
 * architecture makes: each holds the tightener against the {@link PerBitRule} of the layout. An
 * architecture's tests name its layouts and call these; the checks themselves live once, here.
 *
 * <ul>
 *   <li>{@link #tightensWholeAsThePerBitRuleSays}: the guest sends a loose bitmap, the host tightens it
 *       whole; every page of every block, and the counts, must be as the rule says.</li>
 *   <li>{@link #aSparseBitmapIsRightAroundEveryEdgeAndNothingElseIsSet} and
 *       {@link #anAllFreeGuestLosesOnlyTheHostPagesNextToReservedOnes}: the same for guests too large to
 *       check page by page, around every place where mistakes hide, the rest accounted for by counting.</li>
 *   <li>{@link #piecesInAnyOrderEndAsTheWhole}: the loose bitmap arrives in pieces, in any order;
 *       the tight bitmap must end as if the whole had been tightened at once.</li>
 *   <li>{@link #aPieceRecomputesItsHostPagesAndNothingElse}: a piece leaves every other tight bit alone.</li>
 * </ul>
 */
public final class TighteningChecks {

    private TighteningChecks() {
    }

    /**
     * Tightens every {@link LoosePattern} whole, then a loose bitmap shorter than the layout (its tail
     * counts as used) and a longer one (the excess is holes), and compares each page and the counts
     * with the rule. For layouts the rule can walk page by page: 8 GiB of 4 KiB pages at the most.
     */
    public static void tightensWholeAsThePerBitRuleSays(BitmapTightener tightener, GuestMemoryLayout layout, long seed) {
        PerBitRule rule = new PerBitRule(layout);
        for (LoosePattern pattern : LoosePattern.values()) {
            checkWhole(tightener, rule, pattern, layout.pfnLimit(), seed++);
        }
        long last = layout.pfnLimit();
        checkWhole(tightener, rule, LoosePattern.RANDOM, last - last / 3 - 1, seed++);
        checkWhole(tightener, rule, LoosePattern.ALL_ONES, last + 777, seed);
    }

    private static void checkWhole(BitmapTightener tightener, PerBitRule rule, LoosePattern pattern, long pfnLimit, long seed) {
        GuestMemoryLayout layout = rule.layout();
        LooseFreePageBitmap loose = pattern.make(layout, pfnLimit, seed);
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult result = tightener.tighten(layout, loose, tight);
        long dropped = 0;
        for (RamBlock block : layout.blocks()) {
            PageBitmap expected = rule.tightBlock(block, loose.bits());
            PageBitmap actual = tight.block(block.index());
            assertThat(actual.sameBits(expected))
                    .as("%s/%s, %s of %d PFNs: block %s differs first at page %d", layout.arch(), layout.machine(), pattern,
                            pfnLimit, block.name(), firstDifference(actual, expected))
                    .isTrue();
            dropped += rule.droppedByHugePageRule(block, loose.bits());
        }
        assertThat(result).as("%s of %d PFNs", pattern, pfnLimit)
                .isEqualTo(new TightenResult(tight.cardinality(), rule.holeBits(loose.bits(), 0, pfnLimit), dropped));
    }

    /**
     * A guest too large to walk page by page, with free pages only in short runs around the edges
     * ({@link LoosePattern#edges}: a whole host page there, or a run a little short of one), so that every
     * free host page is near one: every host page near an edge, and every host page that holds a free
     * guest page, must be as the rule says, and the counts must add up to exactly those.
     */
    public static void aSparseBitmapIsRightAroundEveryEdgeAndNothingElseIsSet(BitmapTightener tightener,
                                                                             GuestMemoryLayout layout, long seed) {
        PerBitRule rule = new PerBitRule(layout);
        LooseFreePageBitmap loose = new LooseFreePageBitmap(layout.pfnLimit(), layout.guestPageSize());
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long pfn : LoosePattern.edges(layout)) {
            long group = groupAt(layout, pfn);
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
            long group = rule.group(b);
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
                boolean expected = rule.tightBit(b, first, loose.bits());
                expectedFree += expected ? group : 0;
                assertThat(tight.block(b.index()).cardinality(first, first + group))
                        .as("block %s host page at %d", b.name(), first).isEqualTo(expected ? group : 0);
            }
        }
        assertThat(result.freePages()).isEqualTo(expectedFree).isEqualTo(tight.cardinality());
        assertThat(result.holeBits()).isEqualTo(rule.holeBits(loose.bits(), 0, loose.pfnLimit()));
    }

    /**
     * A guest too large to walk page by page with nothing in use: every host page near an edge must be
     * as the rule says, every other host page inside a range (touching no reserved page) must be free,
     * and the hole bits must be the PFNs that are not RAM plus the reserved pages of RAM.
     */
    public static void anAllFreeGuestLosesOnlyTheHostPagesNextToReservedOnes(BitmapTightener tightener,
                                                                            GuestMemoryLayout layout) {
        PerBitRule rule = new PerBitRule(layout);
        LooseFreePageBitmap loose = new LooseFreePageBitmap(layout.pfnLimit(), layout.guestPageSize());
        loose.bits().setAll();
        TightFreePageBitmap tight = new TightFreePageBitmap(layout);
        TightenResult result = tightener.tighten(layout, loose, tight);
        long expectedFree = 0;
        long ps = layout.guestPageSize();
        for (RamBlock b : layout.blocks()) {
            long group = rule.group(b);
            TreeSet<Long> looked = hostPagesNearEdges(layout, b);
            for (long first : looked) {
                boolean expected = rule.tightBit(b, first, loose.bits());
                expectedFree += expected ? group : 0;
                assertThat(tight.block(b.index()).cardinality(first, first + group))
                        .as("block %s host page at %d", b.name(), first).isEqualTo(expected ? group : 0);
            }
            // a host page away from every edge lies wholly inside one range (free, as it touches no reserved
            // page) or wholly in block pages no range maps (not free)
            for (RamRange r : b.ranges()) {
                long p0 = (r.blockOffset() / ps + group - 1) / group * group;
                long p1 = (r.blockOffset() + r.length()) / ps / group * group;
                if (p0 < p1) {
                    expectedFree += ((p1 - p0) / group - looked.subSet(p0, true, p1, false).size()) * group;
                }
            }
        }
        assertThat(result.freePages()).isEqualTo(expectedFree).isEqualTo(tight.cardinality());
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
        long ramPfns = layout.ramRanges().stream().mapToLong(r -> r.length() / ps).sum();
        assertThat(result.holeBits()).isEqualTo(layout.pfnLimit() - ramPfns + reservedRamPages.size());
    }

    /**
     * First pages of the host pages within two host pages of a range's end or a few bitmap segment
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

    /** The host pages (by their first block page) next to each edge PFN that lies in the block, and eight anywhere. */
    private static TreeSet<Long> hostPagesAround(PerBitRule rule, RamBlock block, TreeSet<Long> edgePfns, SplittableRandom rnd) {
        long ps = rule.layout().guestPageSize();
        long pages = block.size() / ps;
        long group = rule.group(block);
        TreeSet<Long> out = new TreeSet<>();
        for (RamRange r : block.ranges()) {
            long pfn0 = r.guestPhysAddr() / ps;
            long pfn1 = pfn0 + r.length() / ps;
            for (long pfn : edgePfns.subSet(pfn0 - 1, true, pfn1, true)) {
                long page = Math.min(pages - 1, Math.max(0, r.blockOffset() / ps + (pfn - pfn0)));
                addHostPageAndNeighbours(out, page, group, pages);
            }
        }
        for (int i = 0; i < 8; i++) {
            long p = rnd.nextLong(pages);
            out.add(p - p % group);
        }
        return out;
    }

    private static void addHostPageAndNeighbours(TreeSet<Long> out, long page, long group, long pages) {
        for (long d = -1; d <= 1; d++) {
            long p = page + d * group;
            if (p >= 0 && p < pages) {
                out.add(p - p % group);
            }
        }
    }

    /**
     * The loose bitmap arrives in chunks of random sizes, in random order, onto a tight bitmap of
     * garbage, and each chunk is tightened as it comes: the tight bitmap must end as if the whole had
     * been tightened at once onto the same garbage (so a host page becomes free only once its last guest page has arrived),
     * and the hole bits of the chunks must add up to those of the whole.
     */
    public static void piecesInAnyOrderEndAsTheWhole(BitmapTightener tightener, GuestMemoryLayout layout, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (LoosePattern pattern : List.of(LoosePattern.RUNS, LoosePattern.RANDOM, LoosePattern.EDGE_BITS_CLEAR, LoosePattern.ALL_ONES)) {
            LooseFreePageBitmap target = pattern.make(layout, layout.pfnLimit() + 100, rnd.nextLong());
            // both tight bitmaps start as the same garbage: every host page that holds RAM is recomputed,
            // the others (block pages that no range maps) keep whatever they held
            long garbageSeed = rnd.nextLong();
            TightFreePageBitmap whole = garbage(layout, new SplittableRandom(garbageSeed));
            TightenResult wholeResult = tightener.tighten(layout, target, whole);

            // the guest's bitmap as the host has received it so far
            LooseFreePageBitmap received = new LooseFreePageBitmap(target.pfnLimit(), layout.guestPageSize());
            TightFreePageBitmap tight = garbage(layout, new SplittableRandom(garbageSeed));
            long holeBits = 0;
            List<long[]> chunks = chunks(target.pfnLimit(), rnd);
            Collections.shuffle(chunks, new Random(rnd.nextLong()));
            for (long[] c : chunks) {
                received.bits().or(target.bits(), c[0], c[1]); // the chunks are disjoint: received is clear there
                holeBits += tightener.tighten(layout, received, c[0], c[1], tight).holeBits();
            }
            for (RamBlock b : layout.blocks()) {
                assertThat(tight.block(b.index()).sameBits(whole.block(b.index())))
                        .as("%s: block %s differs first at page %d", pattern, b.name(),
                                firstDifference(tight.block(b.index()), whole.block(b.index())))
                        .isTrue();
            }
            assertThat(holeBits).as("hole bits of the chunks add up").isEqualTo(wholeResult.holeBits());
        }
    }

    /**
     * Twelve random chunks, each tightened onto a tight bitmap of garbage: the host pages that hold a
     * PFN of the chunk must come out as the rule says, and every other host page must keep its garbage
     * (checked next to the chunk's ends, at each range's ends, and at a few places anywhere).
     */
    public static void aPieceRecomputesItsHostPagesAndNothingElse(BitmapTightener tightener, GuestMemoryLayout layout,
                                                                  long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PerBitRule rule = new PerBitRule(layout);
        LooseFreePageBitmap loose = LoosePattern.RUNS.make(layout, layout.pfnLimit(), rnd.nextLong());
        for (int i = 0; i < 12; i++) {
            long from = rnd.nextLong(layout.pfnLimit());
            long to = Math.min(layout.pfnLimit(), from + 1 + rnd.nextLong(1L << rnd.nextInt(20)));
            TightFreePageBitmap tight = garbage(layout, rnd);
            List<PageBitmap> before = new ArrayList<>();
            layout.blocks().forEach(b -> before.add(tight.block(b.index()).copy()));
            tightener.tighten(layout, loose, from, to, tight);
            TreeSet<Long> edges = new TreeSet<>(List.of(from, to - 1, to));
            for (RamBlock b : layout.blocks()) {
                long group = rule.group(b);
                PageBitmap after = tight.block(b.index());
                for (RamRange r : b.ranges()) {
                    edges.add(r.guestPhysAddr() / layout.guestPageSize());
                    edges.add((r.guestPhysEnd() - 1) / layout.guestPageSize());
                }
                for (long first : hostPagesAround(rule, b, edges, rnd)) {
                    boolean inChunk = rule.holdsPfnIn(b, first, from, to);
                    boolean freeNow = inChunk && rule.tightBit(b, first, loose.bits());
                    for (long page = first; page < first + group; page++) {
                        boolean expected = inChunk ? freeNow : before.get(b.index()).get(page);
                        assertThat(after.get(page)).as("chunk [%d, %d), block %s page %d", from, to, b.name(), page)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** The first bit where {@code a} and {@code b} differ, or -1. */
    public static long firstDifference(PageBitmap a, PageBitmap b) {
        for (long w = 0; w < a.wordCount(); w++) {
            long x = a.word(w) ^ b.word(w);
            if (x != 0) {
                return w * 64 + Long.numberOfTrailingZeros(x);
            }
        }
        return -1;
    }

    /** Pieces of random sizes, from one page to a few huge pages, that cover [0, limit). */
    private static List<long[]> chunks(long limit, SplittableRandom rnd) {
        List<long[]> out = new ArrayList<>();
        for (long at = 0; at < limit; ) {
            long len = 1 + rnd.nextLong(1L << rnd.nextInt(20));
            out.add(new long[] {at, Math.min(limit, at + len)});
            at += len;
        }
        return out;
    }

    /** A tight bitmap of random bits: what a tightener must overwrite or leave alone. */
    private static TightFreePageBitmap garbage(GuestMemoryLayout layout, SplittableRandom rnd) {
        TightFreePageBitmap t = new TightFreePageBitmap(layout);
        for (RamBlock b : layout.blocks()) {
            PageBitmap p = t.block(b.index());
            for (long w = 0; w < p.wordCount(); w++) {
                p.orWord(w, rnd.nextLong());
            }
        }
        return t;
    }
}
