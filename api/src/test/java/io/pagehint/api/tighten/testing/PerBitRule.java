package io.pagehint.api.tighten.testing;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;

/**
 * The tightening rules of one layout written the plain way, one page at a time, straight from the
 * promises of {@link io.pagehint.api.tighten.BitmapTightener}: a tight bit is set when every guest page
 * of its host page is RAM, touches no reserved range, lies below the loose bitmap's end and is set
 * there. Slow and obviously right; the fast paths of every architecture are held against it.
 */
public final class PerBitRule {

    private final GuestMemoryLayout layout;
    private final long pageSize;
    /** Guest-physical [start, end) of every RAM range and every reserved range, for quick lookups. */
    private final long[][] ram;
    private final long[][] reserved;

    public PerBitRule(GuestMemoryLayout layout) {
        this.layout = layout;
        this.pageSize = layout.guestPageSize();
        this.ram = layout.ramRanges().stream().map(r -> new long[] {r.guestPhysAddr(), r.guestPhysEnd()}).toArray(long[][]::new);
        this.reserved = layout.reserved().stream().map(r -> new long[] {r.guestPhysAddr(), r.guestPhysEnd()}).toArray(long[][]::new);
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    /** Guest pages per host page of {@code block}. */
    public long group(RamBlock block) {
        return block.hostPageSize() / pageSize;
    }

    /** The guest page frame that block page {@code page} of {@code block} backs, or -1. */
    public long pfnOf(RamBlock block, long page) {
        for (RamRange r : block.ranges()) {
            long first = r.blockOffset() / pageSize;
            long count = r.length() / pageSize;
            if (page >= first && page < first + count) {
                return r.guestPhysAddr() / pageSize + (page - first);
            }
        }
        return -1;
    }

    /** Whether {@code pfn} is RAM that touches no reserved range. */
    public boolean usable(long pfn) {
        long gpa = pfn * pageSize;
        boolean isRam = false;
        for (long[] r : ram) {
            isRam |= gpa >= r[0] && gpa < r[1];
        }
        if (!isRam) {
            return false;
        }
        for (long[] r : reserved) {
            if (gpa < r[1] && r[0] < gpa + pageSize) {
                return false;
            }
        }
        return true;
    }

    /** Whether guest page {@code page} of {@code block} is usable and free in {@code loose}. */
    public boolean free(RamBlock block, long page, PageBitmap loose) {
        long pfn = pfnOf(block, page);
        return pfn >= 0 && pfn < loose.size() && usable(pfn) && loose.get(pfn);
    }

    /** The tight bit of block page {@code page}: every guest page of its host page is free. */
    public boolean tightBit(RamBlock block, long page, PageBitmap loose) {
        long group = group(block);
        long first = page - page % group;
        for (long q = first; q < first + group; q++) {
            if (!free(block, q, loose)) {
                return false;
            }
        }
        return true;
    }

    /** The whole tight bitmap of {@code block}, host page by host page. */
    public PageBitmap tightBlock(RamBlock block, PageBitmap loose) {
        long pages = block.size() / pageSize;
        long group = group(block);
        PageBitmap out = new PageBitmap(pages);
        for (long g = 0; g < pages; g += group) {
            if (tightBit(block, g, loose)) {
                out.setRange(g, g + group);
            }
        }
        return out;
    }

    /** Loose bits set in {@code [from, to)} at PFNs that are not usable RAM. */
    public long holeBits(PageBitmap loose, long from, long to) {
        long n = 0;
        for (long pfn = loose.nextSetBit(from); pfn >= 0 && pfn < to; pfn = loose.nextSetBit(pfn + 1)) {
            if (!usable(pfn)) {
                n++;
            }
        }
        return n;
    }

    /** Free guest pages of the host page at block page {@code first} when that host page is not wholly free, else 0. */
    public long droppedByHugePageRule(RamBlock block, long first, PageBitmap loose) {
        long group = group(block);
        long free = 0;
        for (long q = first; q < first + group; q++) {
            if (free(block, q, loose)) {
                free++;
            }
        }
        return free < group ? free : 0;
    }

    /** Free guest pages of {@code block} whose host page is not wholly free: what the huge-page rule drops. */
    public long droppedByHugePageRule(RamBlock block, PageBitmap loose) {
        long pages = block.size() / pageSize;
        long n = 0;
        for (long g = 0; g < pages; g += group(block)) {
            n += droppedByHugePageRule(block, g, loose);
        }
        return n;
    }

    /** Whether the host page at block page {@code first} holds a guest page whose PFN is in {@code [from, to)}. */
    public boolean holdsPfnIn(RamBlock block, long first, long from, long to) {
        long group = group(block);
        for (RamRange r : block.ranges()) {
            long lo = Math.max(first, r.blockOffset() / pageSize);
            long hi = Math.min(first + group, (r.blockOffset() + r.length()) / pageSize);
            long pfnLo = r.guestPhysAddr() / pageSize + (lo - r.blockOffset() / pageSize);
            long pfnHi = pfnLo + (hi - lo);
            if (lo < hi && pfnLo < to && from < pfnHi) {
                return true;
            }
        }
        return false;
    }
}
