package io.pagehint.x86.tighten;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;

/**
 * The tightening rules written the plain way, one page at a time, straight from the promises of
 * BitmapTightener: a tight bit is set when every guest page of its host page is RAM, touches no
 * reserved range, lies below the loose bitmap's end and is set there. Slow and obviously right; the
 * fast paths are held against it.
 */
final class PerBitTightener {

    private final GuestMemoryLayout layout;
    private final long pageSize;
    /** Guest-physical [start, end) of every RAM range and every reserved range, for quick lookups. */
    private final long[][] ram;
    private final long[][] reserved;

    PerBitTightener(GuestMemoryLayout layout) {
        this.layout = layout;
        this.pageSize = layout.guestPageSize();
        this.ram = layout.ramRanges().stream().map(r -> new long[] {r.guestPhysAddr(), r.guestPhysEnd()}).toArray(long[][]::new);
        this.reserved = layout.reserved().stream().map(r -> new long[] {r.guestPhysAddr(), r.guestPhysEnd()}).toArray(long[][]::new);
    }

    /** The guest page frame that block page {@code page} of {@code block} backs, or -1. */
    long pfnOf(RamBlock block, long page) {
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
    boolean usable(long pfn) {
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
    boolean free(RamBlock block, long page, PageBitmap loose) {
        long pfn = pfnOf(block, page);
        return pfn >= 0 && pfn < loose.size() && usable(pfn) && loose.get(pfn);
    }

    /** The tight bit of block page {@code page}: every guest page of its host page is free. */
    boolean tightBit(RamBlock block, long page, PageBitmap loose) {
        long group = block.hostPageSize() / pageSize;
        long first = page - page % group;
        for (long q = first; q < first + group; q++) {
            if (!free(block, q, loose)) {
                return false;
            }
        }
        return true;
    }

    /** The whole tight bitmap of {@code block}, host page by host page. */
    PageBitmap tightBlock(RamBlock block, PageBitmap loose) {
        long pages = block.size() / pageSize;
        long group = block.hostPageSize() / pageSize;
        PageBitmap out = new PageBitmap(pages);
        for (long g = 0; g < pages; g += group) {
            if (tightBit(block, g, loose)) {
                out.setRange(g, g + group);
            }
        }
        return out;
    }

    /** Loose bits set in {@code [from, to)} at PFNs that are not usable RAM. */
    long holeBits(PageBitmap loose, long from, long to) {
        long n = 0;
        for (long pfn = loose.nextSetBit(from); pfn >= 0 && pfn < to; pfn = loose.nextSetBit(pfn + 1)) {
            if (!usable(pfn)) {
                n++;
            }
        }
        return n;
    }

    /** Free guest pages of {@code block} whose host page is not wholly free: what the huge-page rule drops. */
    long droppedByHugePageRule(RamBlock block, PageBitmap loose) {
        long pages = block.size() / pageSize;
        long group = block.hostPageSize() / pageSize;
        long n = 0;
        for (long g = 0; g < pages; g += group) {
            long free = 0;
            for (long q = g; q < g + group; q++) {
                if (free(block, q, loose)) {
                    free++;
                }
            }
            if (free < group) {
                n += free;
            }
        }
        return n;
    }
}
