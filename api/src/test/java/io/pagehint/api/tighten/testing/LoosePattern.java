package io.pagehint.api.tighten.testing;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** The loose bitmaps a guest might send, the kind and the adversarial. */
public enum LoosePattern {

    ALL_ZEROS {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
        }
    },
    ALL_ONES {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
            b.setAll();
        }
    },
    ALTERNATING {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
            for (long w = 0; w < b.wordCount(); w++) {
                b.orWord(w, 0x5555_5555_5555_5555L);
            }
        }
    },
    /** Independent bits, half of them set. */
    RANDOM {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
            for (long w = 0; w < b.wordCount(); w++) {
                b.orWord(w, rnd.nextLong());
            }
        }
    },
    /**
     * Free runs of random lengths, from one page to 16 Ki pages (a few 2 MiB huge pages of 4 KiB guest
     * pages, two 512 MiB ones of 64 KiB guest pages), as a buddy allocator's free lists give.
     */
    RUNS {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
            long at = rnd.nextLong(1024);
            while (at < b.size()) {
                long len = 1L << rnd.nextInt(15);
                b.setRange(at, Math.min(b.size(), at + len));
                at += len + rnd.nextLong(1, 2L << rnd.nextInt(15));
            }
        }
    },
    /** All clear but one bit at every edge: each range's first and last page and their neighbours. */
    EDGE_BITS_SET {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
            for (long pfn : edges(l)) {
                if (pfn < b.size()) {
                    b.set(pfn);
                }
            }
        }
    },
    /** All set but one bit at every edge. */
    EDGE_BITS_CLEAR {
        @Override
        void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd) {
            b.setAll();
            for (long pfn : edges(l)) {
                if (pfn < b.size()) {
                    b.clear(pfn);
                }
            }
        }
    };

    abstract void fill(PageBitmap b, GuestMemoryLayout l, SplittableRandom rnd);

    /**
     * The PFNs where mistakes hide: the first and last page of each RAM range (so the last page below
     * a split and the first page after it) and of each reserved range, one page either side of each,
     * and the pages either side of every 64-page word boundary next to them.
     */
    public static TreeSet<Long> edges(GuestMemoryLayout l) {
        long ps = l.guestPageSize();
        TreeSet<Long> e = new TreeSet<>();
        for (RamRange r : l.ramRanges()) {
            addAround(e, r.guestPhysAddr() / ps);
            addAround(e, r.guestPhysEnd() / ps - 1);
        }
        for (ReservedRange r : l.reserved()) {
            addAround(e, r.guestPhysAddr() / ps);
            addAround(e, (r.guestPhysEnd() - 1) / ps);
        }
        return e;
    }

    private static void addAround(TreeSet<Long> e, long pfn) {
        for (long d = -1; d <= 1; d++) {
            if (pfn + d >= 0) {
                e.add(pfn + d);
            }
        }
        long word = pfn & -64L;
        e.add(word);
        e.add(word + 63);
    }

    /** A loose bitmap of {@code pfnLimit} bits in this pattern. */
    public LooseFreePageBitmap make(GuestMemoryLayout l, long pfnLimit, long seed) {
        LooseFreePageBitmap loose = new LooseFreePageBitmap(pfnLimit, l.guestPageSize());
        fill(loose.bits(), l, new SplittableRandom(seed));
        return loose;
    }
}
