package io.pagehint.api.bitmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A bitmap with one bit per page, sized for the largest guests: up to 2<sup>46</sup> bits, so a
 * 16 TiB guest of 4 KiB pages (2<sup>32</sup> pages) fits many times over.
 *
 * <p>Storage is split into segments of {@value #SEGMENT_WORDS} words (256 Ki bits, 1 GiB of
 * 4 KiB pages). A segment is allocated the first time a bit in it is set, so a bitmap that spans
 * a large but mostly empty index space (a loose bitmap across the 1 TiB hole of a large AMD guest,
 * say) costs memory only where bits are set.
 *
 * <p><b>Concurrency.</b> Every operation that changes bits holds the lock of each segment it
 * changes while it changes it, and every read-modify-write is done inside that lock. So the
 * engine's sender can take words out of a migration bitmap ({@link #getAndClearWords}) while a
 * hint clears bits of the same words ({@link #andNot}) and the dirty log is harvested into it
 * ({@link #orWords}): no update is lost, and each operation's count is exact. Bulk operations lock
 * once per segment, not once per word, so they run at memory speed. Reads that take no lock
 * ({@link #get}, {@link #word}, {@link #nextSetBit}, {@link #cardinality}) see each word as it was
 * at some moment during the call.
 */
public final class PageBitmap {

    /** log2 of the words in a segment. */
    static final int SEGMENT_SHIFT = 12;
    /** Words per segment. */
    public static final int SEGMENT_WORDS = 1 << SEGMENT_SHIFT;
    /** The largest bitmap: 2^46 bits. */
    public static final long MAX_BITS = 1L << 46;

    private static final VarHandle SEGMENTS = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long size;
    private final long wordCount;
    private final long[][] segments;

    /** A bitmap of {@code size} bits, all clear. */
    public PageBitmap(long size) {
        if (size < 0 || size > MAX_BITS) {
            throw new IllegalArgumentException("bitmap size " + size + " is outside 0.." + MAX_BITS);
        }
        this.size = size;
        this.wordCount = (size + 63) >>> 6;
        this.segments = new long[(int) ((wordCount + SEGMENT_WORDS - 1) >>> SEGMENT_SHIFT)][];
    }

    /** Number of bits. */
    public long size() {
        return size;
    }

    /** Number of 64-bit words; word {@code w} holds bits {@code 64w .. 64w+63}, bit {@code i} at {@code 1L << (i & 63)}. */
    public long wordCount() {
        return wordCount;
    }

    /** Bytes of heap the allocated segments use. */
    public long allocatedBytes() {
        long n = 0;
        for (int s = 0; s < segments.length; s++) {
            if (segment(s) != null) {
                n += (long) SEGMENT_WORDS * Long.BYTES;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- single bits

    public boolean get(long bit) {
        checkIndex(bit);
        return (word(bit >>> 6) & (1L << bit)) != 0;
    }

    public void set(long bit) {
        checkIndex(bit);
        orWord(bit >>> 6, 1L << bit);
    }

    public void clear(long bit) {
        checkIndex(bit);
        andNotWord(bit >>> 6, 1L << bit);
    }

    /** Clears the bit and says whether it was set. */
    public boolean testAndClear(long bit) {
        checkIndex(bit);
        return andNotWord(bit >>> 6, 1L << bit) != 0;
    }

    // ---------------------------------------------------------------- words

    /** Word {@code w}, read without a lock. */
    public long word(long w) {
        long[] seg = segment((int) (w >>> SEGMENT_SHIFT));
        return seg == null ? 0 : (long) WORDS.getOpaque(seg, (int) (w & (SEGMENT_WORDS - 1)));
    }

    /** ORs {@code bits} into word {@code w}; returns the bits that were newly set. */
    public long orWord(long w, long bits) {
        checkWord(w);
        bits &= validMask(w);
        if (bits == 0) {
            return 0;
        }
        long[] seg = segmentForWrite((int) (w >>> SEGMENT_SHIFT));
        int i = (int) (w & (SEGMENT_WORDS - 1));
        synchronized (seg) {
            long old = seg[i];
            seg[i] = old | bits;
            return bits & ~old;
        }
    }

    /** Clears {@code bits} in word {@code w}; returns the bits that were set and are now clear. */
    public long andNotWord(long w, long bits) {
        checkWord(w);
        long[] seg = segment((int) (w >>> SEGMENT_SHIFT));
        if (seg == null || bits == 0) {
            return 0;
        }
        int i = (int) (w & (SEGMENT_WORDS - 1));
        synchronized (seg) {
            long old = seg[i];
            seg[i] = old & ~bits;
            return old & bits;
        }
    }

    /**
     * Takes words {@code firstWord .. firstWord+len-1} out of the bitmap: copies each into
     * {@code out[off..]} and clears it, atomically with respect to every other change.
     *
     * @return how many bits were taken
     */
    public long getAndClearWords(long firstWord, long[] out, int off, int len) {
        checkWordRange(firstWord, len);
        Objects.checkFromIndexSize(off, len, out.length);
        long taken = 0;
        int done = 0;
        while (done < len) {
            long w = firstWord + done;
            int s = (int) (w >>> SEGMENT_SHIFT);
            int i = (int) (w & (SEGMENT_WORDS - 1));
            int n = Math.min(len - done, SEGMENT_WORDS - i);
            long[] seg = segment(s);
            if (seg == null) {
                java.util.Arrays.fill(out, off + done, off + done + n, 0L);
            } else {
                synchronized (seg) {
                    for (int k = 0; k < n; k++) {
                        long v = seg[i + k];
                        out[off + done + k] = v;
                        taken += Long.bitCount(v);
                        seg[i + k] = 0;
                    }
                }
            }
            done += n;
        }
        return taken;
    }

    /**
     * Copies words {@code firstWord .. firstWord+len-1} into {@code out[off..]}, each segment's words
     * under its lock (an unallocated segment reads as zeros). The bulk form of {@link #word}.
     */
    public void getWords(long firstWord, long[] out, int off, int len) {
        checkWordRange(firstWord, len);
        Objects.checkFromIndexSize(off, len, out.length);
        int done = 0;
        while (done < len) {
            long w = firstWord + done;
            int i = (int) (w & (SEGMENT_WORDS - 1));
            int n = Math.min(len - done, SEGMENT_WORDS - i);
            long[] seg = segment((int) (w >>> SEGMENT_SHIFT));
            if (seg == null) {
                java.util.Arrays.fill(out, off + done, off + done + n, 0L);
            } else {
                synchronized (seg) {
                    System.arraycopy(seg, i, out, off + done, n);
                }
            }
            done += n;
        }
    }

    /**
     * Overwrites words {@code firstWord..} with {@code words[off..off+len-1]}, each segment's words
     * under its lock. Bits beyond {@link #size()} are kept clear; zeros written into a segment that
     * was never allocated allocate nothing.
     */
    public void setWords(long firstWord, long[] words, int off, int len) {
        checkWordRange(firstWord, len);
        Objects.checkFromIndexSize(off, len, words.length);
        int done = 0;
        while (done < len) {
            long w = firstWord + done;
            int s = (int) (w >>> SEGMENT_SHIFT);
            int i = (int) (w & (SEGMENT_WORDS - 1));
            int n = Math.min(len - done, SEGMENT_WORDS - i);
            long[] seg = segment(s);
            if (seg == null && allZero(words, off + done, n)) {
                done += n; // already all clear
                continue;
            }
            seg = seg != null ? seg : segmentForWrite(s);
            synchronized (seg) {
                System.arraycopy(words, off + done, seg, i, n);
                if (w + n == wordCount) {
                    seg[i + n - 1] &= validMask(wordCount - 1);
                }
            }
            done += n;
        }
    }

    /**
     * ORs {@code words[off..off+len-1]} into words {@code firstWord..}; returns how many bits were
     * newly set. Bits beyond {@link #size()} are ignored.
     */
    public long orWords(long firstWord, long[] words, int off, int len) {
        checkWordRange(firstWord, len);
        Objects.checkFromIndexSize(off, len, words.length);
        long added = 0;
        int done = 0;
        while (done < len) {
            long w = firstWord + done;
            int s = (int) (w >>> SEGMENT_SHIFT);
            int i = (int) (w & (SEGMENT_WORDS - 1));
            int n = Math.min(len - done, SEGMENT_WORDS - i);
            if (!allZero(words, off + done, n)) {
                long[] seg = segmentForWrite(s);
                synchronized (seg) {
                    for (int k = 0; k < n; k++) {
                        long bits = words[off + done + k] & validMask(w + k);
                        long old = seg[i + k];
                        seg[i + k] = old | bits;
                        added += Long.bitCount(bits & ~old);
                    }
                }
            }
            done += n;
        }
        return added;
    }

    // ---------------------------------------------------------------- ranges

    /** Sets bits {@code [from, to)}. */
    public void setRange(long from, long to) {
        checkRange(from, to);
        forEachWordOfRange(from, to, true, (seg, i, mask) -> seg[i] |= mask);
    }

    /** Clears bits {@code [from, to)}. */
    public void clearRange(long from, long to) {
        checkRange(from, to);
        forEachWordOfRange(from, to, false, (seg, i, mask) -> seg[i] &= ~mask);
    }

    public void setAll() {
        setRange(0, size);
    }

    public void clearAll() {
        clearRange(0, size);
    }

    /** Number of set bits. */
    public long cardinality() {
        return cardinality(0, size);
    }

    /** Number of set bits in {@code [from, to)}. */
    public long cardinality(long from, long to) {
        checkRange(from, to);
        if (from == to) {
            return 0;
        }
        long fw = from >>> 6;
        long lw = (to - 1) >>> 6;
        long n = 0;
        for (long w = fw; w <= lw; ) {
            int s = (int) (w >>> SEGMENT_SHIFT);
            long[] seg = segment(s);
            long end = Math.min(lw + 1, ((long) s + 1) << SEGMENT_SHIFT);
            if (seg != null) {
                int i0 = (int) (w & (SEGMENT_WORDS - 1));
                int i1 = (int) (((end - 1) & (SEGMENT_WORDS - 1)) + 1);
                // the edge words take a mask; the words between are counted whole, a loop the JIT unrolls
                if (i1 - i0 == 1) {
                    n += Long.bitCount(seg[i0] & wordMask(w, from, to));
                } else {
                    n += Long.bitCount(seg[i0] & wordMask(w, from, to));
                    for (int i = i0 + 1; i < i1 - 1; i++) {
                        n += Long.bitCount(seg[i]);
                    }
                    n += Long.bitCount(seg[i1 - 1] & wordMask(end - 1, from, to));
                }
            }
            w = end;
        }
        return n;
    }

    /** The first set bit at or after {@code from}, or -1. */
    public long nextSetBit(long from) {
        if (from < 0) {
            throw new IndexOutOfBoundsException("negative index " + from);
        }
        if (from >= size) {
            return -1;
        }
        long w = from >>> 6;
        long v = word(w) & (-1L << from);
        while (true) {
            if (v != 0) {
                long bit = (w << 6) + Long.numberOfTrailingZeros(v);
                return bit < size ? bit : -1;
            }
            w++;
            if (w >= wordCount) {
                return -1;
            }
            if ((w & (SEGMENT_WORDS - 1)) == 0 && segment((int) (w >>> SEGMENT_SHIFT)) == null) {
                // skip whole unallocated segments
                w += SEGMENT_WORDS - 1;
                v = 0;
                continue;
            }
            v = word(w);
        }
    }

    /** The first clear bit at or after {@code from}, or {@link #size()} if none. */
    public long nextClearBit(long from) {
        if (from < 0) {
            throw new IndexOutOfBoundsException("negative index " + from);
        }
        if (from >= size) {
            return size;
        }
        long w = from >>> 6;
        long v = ~word(w) & (-1L << from);
        while (v == 0) {
            w++;
            if (w >= wordCount) {
                return size;
            }
            v = ~word(w);
        }
        return Math.min(size, (w << 6) + Long.numberOfTrailingZeros(v));
    }

    /** Calls {@code action} with each maximal run {@code [start, end)} of set bits, in order. */
    public void forEachSetRange(RangeAction action) {
        forEachSetRange(0, size, action);
    }

    /** Like {@link #forEachSetRange(RangeAction)}, for the runs inside {@code [from, to)} (clipped to it). */
    public void forEachSetRange(long from, long to, RangeAction action) {
        checkRange(from, to);
        long start = nextSetBit(from);
        while (start >= 0 && start < to) {
            long end = Math.min(to, nextClearBit(start));
            action.accept(start, end);
            if (end >= to) {
                return;
            }
            start = nextSetBit(end);
        }
    }

    /** Receives a run of bits {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeAction {
        void accept(long start, long end);
    }

    // ---------------------------------------------------------------- bitmap with bitmap

    /** {@code this &= ~other} over the whole bitmap; sizes must match. Returns how many bits it cleared. */
    public long andNot(PageBitmap other) {
        requireSameSize(other);
        return andNot(other, 0, size);
    }

    /**
     * {@code this &= ~other} for bits {@code [from, to)} (same index in both bitmaps). Returns how
     * many bits of this bitmap it cleared. This is the migration-bitmap filter: it is safe against a
     * concurrent sender taking words of the same bitmap, and its count never includes a bit the
     * sender took first.
     */
    public long andNot(PageBitmap other, long from, long to) {
        checkRange(from, to);
        other.checkRange(from, to);
        return combine(other, from, to, false);
    }

    /** {@code this |= other}; sizes must match. Returns how many bits were newly set. */
    public long or(PageBitmap other) {
        requireSameSize(other);
        return or(other, 0, size);
    }

    /** {@code this |= other} for bits {@code [from, to)}. Returns how many bits were newly set. */
    public long or(PageBitmap other, long from, long to) {
        checkRange(from, to);
        other.checkRange(from, to);
        return combine(other, from, to, true);
    }

    private long combine(PageBitmap other, long from, long to, boolean or) {
        if (from == to) {
            return 0;
        }
        long fw = from >>> 6;
        long lw = (to - 1) >>> 6;
        long changed = 0;
        for (long w = fw; w <= lw; ) {
            int s = (int) (w >>> SEGMENT_SHIFT);
            long segEnd = ((long) s + 1) << SEGMENT_SHIFT;
            long end = Math.min(lw + 1, segEnd);
            long[] src = other.segment(s);
            if (src == null) {
                w = end; // nothing to OR in and nothing to clear
                continue;
            }
            long[] dst = or ? segmentForWrite(s) : segment(s);
            if (dst == null) {
                w = end; // nothing to clear
                continue;
            }
            synchronized (dst) {
                int i0 = (int) (w & (SEGMENT_WORDS - 1));
                int i1 = (int) (((end - 1) & (SEGMENT_WORDS - 1)) + 1);
                long firstMask = wordMask(w, from, to);
                long lastMask = wordMask(end - 1, from, to);
                // the edge words take a mask; the words between are whole, a loop the JIT unrolls
                changed += or ? orWordsLocked(dst, src, i0, i1, firstMask, lastMask)
                        : andNotWordsLocked(dst, src, i0, i1, firstMask, lastMask);
                w = end;
            }
        }
        return changed;
    }

    private static long andNotWordsLocked(long[] dst, long[] src, int i0, int i1, long firstMask, long lastMask) {
        long changed = 0;
        if (i1 - i0 == 1) {
            long m = src[i0] & firstMask & lastMask;
            changed = Long.bitCount(dst[i0] & m);
            dst[i0] &= ~m;
            return changed;
        }
        long m0 = src[i0] & firstMask;
        changed += Long.bitCount(dst[i0] & m0);
        dst[i0] &= ~m0;
        for (int i = i0 + 1; i < i1 - 1; i++) {
            long old = dst[i];
            long m = src[i];
            changed += Long.bitCount(old & m);
            dst[i] = old & ~m;
        }
        long mn = src[i1 - 1] & lastMask;
        changed += Long.bitCount(dst[i1 - 1] & mn);
        dst[i1 - 1] &= ~mn;
        return changed;
    }

    private static long orWordsLocked(long[] dst, long[] src, int i0, int i1, long firstMask, long lastMask) {
        long changed = 0;
        for (int i = i0; i < i1; i++) {
            long m = src[i];
            if (i == i0) {
                m &= firstMask;
            }
            if (i == i1 - 1) {
                m &= lastMask;
            }
            long old = dst[i];
            changed += Long.bitCount(m & ~old);
            dst[i] = old | m;
        }
        return changed;
    }

    /** Whether both bitmaps have the same size and the same bits. */
    public boolean sameBits(PageBitmap other) {
        if (other.size != size) {
            return false;
        }
        for (long w = 0; w < wordCount; w++) {
            if (word(w) != other.word(w)) {
                return false;
            }
        }
        return true;
    }

    /** A copy of this bitmap (each segment copied under its lock). */
    public PageBitmap copy() {
        PageBitmap c = new PageBitmap(size);
        for (int s = 0; s < segments.length; s++) {
            long[] seg = segment(s);
            if (seg != null) {
                synchronized (seg) {
                    c.segments[s] = seg.clone();
                }
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return "PageBitmap[size=" + size + ", set=" + cardinality() + "]";
    }

    // ---------------------------------------------------------------- internals

    private interface WordOp {
        void apply(long[] seg, int index, long mask);
    }

    private void forEachWordOfRange(long from, long to, boolean allocate, WordOp op) {
        if (from == to) {
            return;
        }
        long fw = from >>> 6;
        long lw = (to - 1) >>> 6;
        for (long w = fw; w <= lw; ) {
            int s = (int) (w >>> SEGMENT_SHIFT);
            long segEnd = ((long) s + 1) << SEGMENT_SHIFT;
            long end = Math.min(lw + 1, segEnd);
            long[] seg = allocate ? segmentForWrite(s) : segment(s);
            if (seg == null) {
                w = end;
                continue;
            }
            synchronized (seg) {
                for (; w < end; w++) {
                    op.apply(seg, (int) (w & (SEGMENT_WORDS - 1)), wordMask(w, from, to));
                }
            }
        }
    }

    /**
     * The bits of word {@code w} (bits {@code 64w .. 64w+63}) that lie in the bit range
     * {@code [from, to)}: the mask every word-at-a-time walk over a range applies to its edge words.
     */
    public static long wordMask(long w, long from, long to) {
        long lo = w << 6;
        long hi = lo + 64;
        long m = -1L;
        if (from > lo) {
            m &= -1L << (from - lo);
        }
        if (to < hi) {
            m &= -1L >>> (hi - to);
        }
        return m;
    }

    /** The bits of word {@code w} that lie below {@link #size()}. */
    private long validMask(long w) {
        return w == wordCount - 1 && (size & 63) != 0 ? -1L >>> (64 - (size & 63)) : -1L;
    }

    private long[] segment(int s) {
        return (long[]) SEGMENTS.getAcquire(segments, s);
    }

    private long[] segmentForWrite(int s) {
        long[] seg = segment(s);
        if (seg != null) {
            return seg;
        }
        long[] fresh = new long[SEGMENT_WORDS];
        long[] witness = (long[]) SEGMENTS.compareAndExchangeRelease(segments, s, null, fresh);
        return witness == null ? fresh : witness;
    }

    private static boolean allZero(long[] a, int from, int n) {
        for (int k = 0; k < n; k++) {
            if (a[from + k] != 0) {
                return false;
            }
        }
        return true;
    }

    private void requireSameSize(PageBitmap other) {
        if (other.size != size) {
            throw new IllegalArgumentException("bitmap sizes differ: " + size + " vs " + other.size);
        }
    }

    private void checkIndex(long bit) {
        if (bit < 0 || bit >= size) {
            throw new IndexOutOfBoundsException("bit " + bit + " outside 0.." + size);
        }
    }

    private void checkWord(long w) {
        if (w < 0 || w >= wordCount) {
            throw new IndexOutOfBoundsException("word " + w + " outside 0.." + wordCount);
        }
    }

    private void checkWordRange(long firstWord, int len) {
        if (len < 0 || firstWord < 0 || firstWord + len > wordCount) {
            throw new IndexOutOfBoundsException("words " + firstWord + "+" + len + " outside 0.." + wordCount);
        }
    }

    void checkRange(long from, long to) {
        if (from < 0 || to < from || to > size) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside 0.." + size);
        }
    }
}
