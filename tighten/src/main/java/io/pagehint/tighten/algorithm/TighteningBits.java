package io.pagehint.tighten.algorithm;

import io.pagehint.api.bitmap.PageBitmap;

/**
 * The two bit operations only tightening needs, written over the API's {@link PageBitmap} word access:
 * a copy between bit ranges whose offsets differ (a RAM stretch's PFN and its block page need not
 * agree modulo 64), and the huge-page rule. They live here, not in the exported API, so a fix to them
 * is not an API change.
 *
 * <p>Both work a word at a time and allocate nothing but segments of the destination that get a set
 * bit (and, once per thread, a copy's word buffer). Neither is atomic as a whole: each word it changes
 * is changed under that word's segment lock ({@link PageBitmap#setWords}, {@link PageBitmap#orWord},
 * {@link PageBitmap#andNotWord}, {@link PageBitmap#clearRange}), but a reader may see a range half
 * done. The tightener's callers read the bits it recomputes after it returns.
 */
final class TighteningBits {

    /** Words a copy reads, shifts and writes at a time (and one more): 32 KiB a thread (a segment of words), allocated once, so a copy allocates nothing. */
    private static final ThreadLocal<long[]> BUFFER = ThreadLocal.withInitial(() -> new long[4097]);

    private TighteningBits() {
    }

    /**
     * Overwrites bits {@code [dstFrom, dstFrom+count)} of {@code dst} with bits
     * {@code [srcFrom, srcFrom+count)} of {@code src}: each destination word gets the 64 source bits
     * that line up with it (two source words, shifted, where the offsets differ modulo 64). The range's
     * two edge words are written bit-masked; the words wholly inside it are read and written in bulk
     * ({@link PageBitmap#getWords}, {@link PageBitmap#setWords}), a segment's worth at a time.
     * {@code src} may be {@code dst} only if the ranges do not overlap.
     */
    static void copyRange(PageBitmap dst, PageBitmap src, long srcFrom, long dstFrom, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count);
        }
        checkRange(src, srcFrom, srcFrom + count);
        checkRange(dst, dstFrom, dstFrom + count);
        if (count == 0) {
            return;
        }
        if (src == dst && srcFrom < dstFrom + count && dstFrom < srcFrom + count) {
            throw new IllegalArgumentException("overlapping copy within one bitmap");
        }
        long dstTo = dstFrom + count;
        long delta = srcFrom - dstFrom; // source bit = destination bit + delta
        long first = dstFrom >>> 6;
        long last = (dstTo - 1) >>> 6;
        // the range's edge words keep their bits outside it
        copyWordMasked(dst, src, first, delta, dstFrom, dstTo);
        if (last > first) {
            copyWordMasked(dst, src, last, delta, dstFrom, dstTo);
        }
        // the words wholly inside, a buffer at a time: read in bulk, shifted into place, written in bulk,
        // so each bitmap's segment lock is taken once per buffer, not once per word
        long[] buf = BUFFER.get();
        int chunk = buf.length - 1; // one source word more than destination words, for the shift
        int sh = (int) (delta & 63);
        for (long w0 = first + 1; w0 < last; w0 += chunk) {
            int n = (int) Math.min(chunk, last - w0);
            long k0 = ((w0 << 6) + delta) >> 6; // the source word holding the first bit of word w0
            int read = (int) Math.min(n + 1, src.wordCount() - k0); // n words, and the next one if there is one
            src.getWords(k0, buf, 0, read);
            if (read == n) {
                buf[n] = 0;
            }
            if (sh != 0) {
                for (int i = 0; i < n; i++) {
                    buf[i] = (buf[i] >>> sh) | (buf[i + 1] << (64 - sh));
                }
            }
            dst.setWords(w0, buf, 0, n);
        }
    }

    /** Writes the bits of word {@code w} that lie in {@code [from, to)} from the source bits {@code delta} further on. */
    private static void copyWordMasked(PageBitmap dst, PageBitmap src, long w, long delta, long from, long to) {
        long mask = PageBitmap.wordMask(w, from, to);
        long bits = sourceBits(src, (w << 6) + delta) & mask;
        dst.andNotWord(w, mask & ~bits);
        if (bits != 0) { // a clear source allocates nothing
            dst.orWord(w, bits);
        }
    }

    /** The 64 bits of {@code src} from bit {@code bit} on (which may be negative); bits outside it read as clear. */
    private static long sourceBits(PageBitmap src, long bit) {
        long k = bit >> 6;
        int sh = (int) (bit & 63);
        long low = wordOrZero(src, k);
        return sh == 0 ? low : (low >>> sh) | (wordOrZero(src, k + 1) << (64 - sh));
    }

    private static long wordOrZero(PageBitmap bm, long w) {
        return w < 0 || w >= bm.wordCount() ? 0 : bm.word(w);
    }

    /**
     * The huge-page rule: keeps a bit in {@code [from, to)} only if every bit of its aligned group of
     * {@code groupBits} bits (a power of two; the groups are {@code [k*groupBits, (k+1)*groupBits)}) is
     * set, and clears the bits of every other group that overlaps the range. A group only partly inside
     * {@code [from, to)} or partly beyond the bitmap's size counts as not full: a host page may be
     * skipped only when every guest page in it is free.
     *
     * @return how many bits it cleared
     */
    static long retainFullGroups(PageBitmap bm, long from, long to, long groupBits) {
        checkRange(bm, from, to);
        if (groupBits <= 0 || Long.bitCount(groupBits) != 1) {
            throw new IllegalArgumentException("group size must be a power of two: " + groupBits);
        }
        if (groupBits == 1 || from == to) {
            return 0;
        }
        long cleared = 0;
        if (groupBits < 64) {
            // several groups share a word: decide them word by word
            for (long w = from >>> 6; w <= (to - 1) >>> 6; w++) {
                cleared += retainSmallGroupsInWord(bm, w, from, to, (int) groupBits);
            }
            return cleared;
        }
        for (long g = from & -groupBits; g < to; g += groupBits) {
            long gEnd = g + groupBits;
            boolean inside = g >= from && gEnd <= to && gEnd <= bm.size();
            if (!inside || !allWordsSet(bm, g >>> 6, gEnd >>> 6)) {
                cleared += countAndClear(bm, Math.max(g, from), Math.min(gEnd, to));
            }
        }
        return cleared;
    }

    /** Whether words {@code [w0, w1)} are all ones; stops at the first that is not. */
    private static boolean allWordsSet(PageBitmap bm, long w0, long w1) {
        for (long w = w0; w < w1; w++) {
            if (bm.word(w) != -1L) {
                return false;
            }
        }
        return true;
    }

    private static long retainSmallGroupsInWord(PageBitmap bm, long w, long from, long to, int groupBits) {
        long base = w << 6;
        long word = bm.word(w);
        long fullGroups = 0;
        for (int g = 0; g < 64; g += groupBits) {
            long gs = base + g;
            long ge = gs + groupBits;
            long gm = ((1L << groupBits) - 1) << g;
            if (gs >= from && ge <= to && ge <= bm.size() && (word & gm) == gm) {
                fullGroups |= gm;
            }
        }
        return Long.bitCount(bm.andNotWord(w, PageBitmap.wordMask(w, from, to) & ~fullGroups));
    }

    private static long countAndClear(PageBitmap bm, long from, long to) {
        if (from >= to) {
            return 0;
        }
        long n = bm.cardinality(from, to);
        if (n != 0) {
            bm.clearRange(from, to);
        }
        return n;
    }

    private static void checkRange(PageBitmap bm, long from, long to) {
        if (from < 0 || to < from || to > bm.size()) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside 0.." + bm.size());
        }
    }
}
