package io.pagehint.channel.hint;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.PageRun;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest page frames a hint may name: the layout's {@linkplain GuestMemoryLayout#usableRam() usable
 * RAM}. Kept as sorted, disjoint, non-adjacent PFN intervals, so checking a hint
 * costs time in the size of the hint and the number of intervals, never in the size of the guest.
 * Immutable, so any thread may use it.
 */
public final class UsableRam {

    private final long[] starts;
    private final long[] ends;
    private final int pageSize;

    public UsableRam(GuestMemoryLayout layout) {
        this.pageSize = layout.guestPageSize();
        // the layout's usable runs, by PFN; adjacent runs (two RAM ranges end to end) become one interval
        List<long[]> merged = new ArrayList<>();
        for (PageRun r : layout.usableRam()) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r.firstPfn() <= last[1]) {
                last[1] = Math.max(last[1], r.endPfn());
            } else {
                merged.add(new long[] {r.firstPfn(), r.endPfn()});
            }
        }
        starts = new long[merged.size()];
        ends = new long[merged.size()];
        for (int i = 0; i < merged.size(); i++) {
            starts[i] = merged.get(i)[0];
            ends[i] = merged.get(i)[1];
        }
    }

    public int pageSize() {
        return pageSize;
    }

    /** One past the highest usable PFN. */
    public long pfnLimit() {
        return ends.length == 0 ? 0 : ends[ends.length - 1];
    }

    /** Whether every page of {@code [firstPfn, firstPfn + pages)} is usable, without overflow. */
    public boolean containsRun(long firstPfn, long pages) {
        if (firstPfn < 0 || pages <= 0 || firstPfn > Long.MAX_VALUE - pages) {
            return false;
        }
        int i = intervalAt(firstPfn);
        return i >= 0 && firstPfn + pages <= ends[i];
    }

    /**
     * Whether the guest-physical byte range {@code [gpa, gpa + length)} is whole usable pages:
     * page aligned, a non-zero multiple of the page size, without overflow.
     */
    public boolean containsPages(long gpa, long length) {
        if (gpa < 0 || length <= 0 || gpa % pageSize != 0 || length % pageSize != 0 || gpa > Long.MAX_VALUE - length) {
            return false;
        }
        return containsRun(gpa / pageSize, length / pageSize);
    }

    /**
     * Whether every set bit of {@code words} (bit b of word i marks PFN {@code firstPfn + 64 i + b},
     * {@code firstPfn} a multiple of 64) names a usable page. Looks only at the words that lie
     * outside usable intervals.
     */
    public boolean wordsInside(long firstPfn, long[] words) {
        if (firstPfn < 0 || (firstPfn & 63) != 0 || firstPfn > Long.MAX_VALUE - 64L * words.length) {
            return false;
        }
        long end = firstPfn + 64L * words.length;
        long at = firstPfn; // everything below 'at' is checked
        for (int i = 0; i < starts.length && at < end; i++) {
            if (ends[i] <= at) {
                continue;
            }
            if (!clearIn(firstPfn, words, at, Math.min(starts[i], end))) {
                return false;
            }
            at = Math.max(at, ends[i]);
        }
        return clearIn(firstPfn, words, at, end);
    }

    /** Whether no bit for a PFN in {@code [from, to)} is set. */
    private static boolean clearIn(long firstPfn, long[] words, long from, long to) {
        if (from >= to) {
            return true;
        }
        long fw = (from - firstPfn) >>> 6;
        long lw = (to - 1 - firstPfn) >>> 6;
        for (long w = fw; w <= lw; w++) {
            long mask = PageBitmap.wordMask(w, from - firstPfn, to - firstPfn);
            if ((words[(int) w] & mask) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The index of the interval holding {@code pfn}, or -1. */
    private int intervalAt(long pfn) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pfn < starts[mid]) {
                hi = mid - 1;
            } else if (pfn >= ends[mid]) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
