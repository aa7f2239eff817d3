package io.pagehint.guest.kernel;

import io.pagehint.reference.ram.Region;

/**
 * Design note 4b: a free-page bitmap in guest RAM, bit = PFN, set while the page is on a free
 * list. The allocator changes it under the zone lock at every allocation and free (both zones
 * never share a word: 4 GiB is a multiple of 64 pages); a reader copies words without a lock and
 * sees each word as it was at some moment, so every page it reports free was free then.
 */
final class KeptBitmap {

    private final Region r;
    private final long words;

    KeptBitmap(Region region, long pfnLimit) {
        this.r = region;
        this.words = (pfnLimit + 63) >>> 6;
    }

    long words() {
        return words;
    }

    long word(long w) {
        return r.readLong(w << 3);
    }

    void set(long pfn, long count) {
        change(pfn, count, true);
    }

    void clear(long pfn, long count) {
        change(pfn, count, false);
    }

    private void change(long pfn, long count, boolean set) {
        long end = pfn + count;
        for (long w = pfn >>> 6; w <= (end - 1) >>> 6; w++) {
            long lo = Math.max(pfn, w << 6);
            long hi = Math.min(end, (w << 6) + 64);
            long mask = (hi - lo == 64) ? -1L : ((1L << (hi - lo)) - 1) << (lo & 63);
            long old = r.readLong(w << 3);
            long now = set ? old | mask : old & ~mask;
            if (now != old) {
                r.writeLong(w << 3, now);
            }
        }
    }

    /** Copies words {@code [first, first + n)} into {@code out}. */
    void copy(long first, long[] out, int n) {
        r.readLongs(first << 3, out, 0, n);
    }
}
