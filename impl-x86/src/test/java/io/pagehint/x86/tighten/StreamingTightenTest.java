package io.pagehint.x86.tighten;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loose bitmap arrives in chunks, in any order, and the host tightens each chunk as it comes:
 * the tight bitmap must end up as if the whole had been tightened at once, a host page must become
 * free only once its last guest page has arrived, and a chunk must leave the rest of the tight bitmap alone.
 */
class StreamingTightenTest {

    private final BitmapTightener x86 = new X86BitmapTightener();

    /** Layouts whose host pages hold guest pages of two ranges, or straddle reserved pages, among plain ones; and the generic ones. */
    static Stream<Arguments> layouts() {
        return Stream.of(Stream.of(
                X86Catalogue.named("pc", 5 * X86Catalogue.G, "machine-version=1.7", "host-page-size=1G"),
                X86Catalogue.named("q35", 4 * X86Catalogue.G, "max-ram-below-4g=2047M", "host-page-size=2M"),
                X86Catalogue.named("pc", 4 * X86Catalogue.G + 24 * 1024, "max-ram-below-4g=" + (3 * X86Catalogue.G + 4096)),
                X86Catalogue.named("q35", 3 * X86Catalogue.G, "dimms=2M,6M", "dimm-host-page-size=2M"),
                X86Catalogue.named("pc", 100 * X86Catalogue.M + 8192)),
                GenericCatalogue.layouts()).flatMap(s -> s);
    }

    /** The x86 component for x86 layouts, the API's algorithm directly for the others. */
    private BitmapTightener tightenerFor(GuestMemoryLayout layout) {
        return layout.arch().equals("x86_64") ? x86 : TightenAssertions.ANY_LAYOUT;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void chunksArrivingInAnyOrderEndAsTheWhole(String name, GuestMemoryLayout layout) {
        BitmapTightener tightener = tightenerFor(layout);
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (LoosePattern pattern : List.of(LoosePattern.RUNS, LoosePattern.RANDOM, LoosePattern.EDGE_BITS_CLEAR, LoosePattern.ALL_ONES)) {
            LooseFreePageBitmap target = pattern.make(layout, layout.pfnLimit() + 100, rnd.nextLong());
            // the tight bitmap starts as garbage: every host page that holds RAM is recomputed, the others
            // (pages of a block that no range maps) keep whatever they held
            long garbageSeed = rnd.nextLong();
            TightFreePageBitmap whole = garbage(layout, new SplittableRandom(garbageSeed));
            TightenResult wholeResult = tightener.tighten(layout, target, whole);

            // the guest's bitmap as the host has received it so far
            LooseFreePageBitmap received = new LooseFreePageBitmap(target.pfnLimit(), layout.guestPageSize());
            TightFreePageBitmap tight = garbage(layout, new SplittableRandom(garbageSeed));
            long holeBits = 0;
            List<long[]> chunks = chunks(target.pfnLimit(), rnd);
            Collections.shuffle(chunks, new java.util.Random(rnd.nextLong()));
            for (long[] c : chunks) {
                received.bits().copyRange(target.bits(), c[0], c[0], c[1] - c[0]);
                holeBits += tightener.tighten(layout, received, c[0], c[1], tight).holeBits();
            }
            for (RamBlock b : layout.blocks()) {
                assertThat(tight.block(b.index()).sameBits(whole.block(b.index())))
                        .as("%s: block %s differs first at page %d", pattern, b.name(),
                                TightenAssertions.firstDifference(tight.block(b.index()), whole.block(b.index())))
                        .isTrue();
            }
            assertThat(holeBits).as("hole bits of the chunks add up").isEqualTo(wholeResult.holeBits());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void aChunkRecomputesItsHostPagesAndNothingElse(String name, GuestMemoryLayout layout) {
        BitmapTightener tightener = tightenerFor(layout);
        SplittableRandom rnd = new SplittableRandom(~name.hashCode());
        PerBitTightener ref = new PerBitTightener(layout);
        LooseFreePageBitmap loose = LoosePattern.RUNS.make(layout, layout.pfnLimit(), rnd.nextLong());
        for (int i = 0; i < 12; i++) {
            long from = rnd.nextLong(layout.pfnLimit());
            long to = Math.min(layout.pfnLimit(), from + 1 + rnd.nextLong(1L << rnd.nextInt(20)));
            TightFreePageBitmap tight = garbage(layout, rnd);
            List<PageBitmap> before = new ArrayList<>();
            layout.blocks().forEach(b -> before.add(tight.block(b.index()).copy()));
            tightener.tighten(layout, loose, from, to, tight);
            for (RamBlock b : layout.blocks()) {
                long group = b.hostPageSize() / layout.guestPageSize();
                PageBitmap after = tight.block(b.index());
                // only host pages holding a PFN of the chunk may change, and those must be right
                for (long first : hostPagesToLookAt(b, layout, from, to, group, rnd)) {
                    boolean inChunk = holdsPfnIn(b, layout, first, group, from, to);
                    boolean freeNow = inChunk && ref.tightBit(b, first, loose.bits());
                    for (long page = first; page < first + group; page++) {
                        boolean expected = inChunk ? freeNow : before.get(b.index()).get(page);
                        assertThat(after.get(page)).as("chunk [%d, %d), block %s page %d", from, to, b.name(), page)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** Whether the host page at block page {@code first} holds a guest page whose PFN is in {@code [from, to)}. */
    private static boolean holdsPfnIn(RamBlock b, GuestMemoryLayout layout, long first, long group, long from, long to) {
        long ps = layout.guestPageSize();
        for (var r : b.ranges()) {
            long lo = Math.max(first, r.blockOffset() / ps);
            long hi = Math.min(first + group, (r.blockOffset() + r.length()) / ps);
            long pfnLo = r.guestPhysAddr() / ps + (lo - r.blockOffset() / ps);
            long pfnHi = pfnLo + (hi - lo);
            if (lo < hi && pfnLo < to && from < pfnHi) {
                return true;
            }
        }
        return false;
    }

    /** The host pages (by their first block page) next to the chunk's ends and each range's start, and a few anywhere. */
    private static java.util.TreeSet<Long> hostPagesToLookAt(RamBlock b, GuestMemoryLayout layout, long from, long to, long group,
                                                   SplittableRandom rnd) {
        long ps = layout.guestPageSize();
        long pages = b.size() / ps;
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        for (var r : b.ranges()) {
            long first = r.blockOffset() / ps;
            long pfn0 = r.guestPhysAddr() / ps;
            for (long pfn : new long[] {from, to - 1, to, pfn0, pfn0 + r.length() / ps - 1}) {
                long page = first + (pfn - pfn0);
                for (long d = -1; d <= 1; d++) {
                    long p = page + d * group;
                    if (p >= 0 && p < pages) {
                        out.add(p - p % group);
                    }
                }
            }
        }
        for (int i = 0; i < 8; i++) {
            long p = rnd.nextLong(pages);
            out.add(p - p % group);
        }
        return out;
    }

    /** Pieces of random sizes, from one page to a few huge pages, that cover [0, limit). */
    static List<long[]> chunks(long limit, SplittableRandom rnd) {
        List<long[]> out = new ArrayList<>();
        for (long at = 0; at < limit; ) {
            long len = 1 + rnd.nextLong(1L << rnd.nextInt(20));
            out.add(new long[] {at, Math.min(limit, at + len)});
            at += len;
        }
        return out;
    }

    static TightFreePageBitmap garbage(GuestMemoryLayout layout, SplittableRandom rnd) {
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
