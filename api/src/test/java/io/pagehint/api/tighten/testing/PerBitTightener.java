package io.pagehint.api.tighten.testing;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link BitmapTightener} for any layout that decides every host page by the {@link PerBitRule}, a
 * page at a time: the plainest tightener that keeps the whole contract, the streaming one included
 * (a call recomputes exactly the host pages that hold a PFN of its range). Tests of the engine use it
 * as the architecture bundle they do not have; tests of the fast tighteners hold them against it.
 * Far too slow for real guests.
 */
public final class PerBitTightener implements BitmapTightener {

    @Override
    public TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                                 TightFreePageBitmap into) {
        if (!into.layout().equals(layout) || loose.guestPageSize() != layout.guestPageSize()) {
            throw new IllegalArgumentException("the bitmaps do not belong to the layout");
        }
        if (fromPfn < 0 || toPfn < fromPfn) {
            throw new IllegalArgumentException("bad PFN range [" + fromPfn + ", " + toPfn + ")");
        }
        PerBitRule rule = new PerBitRule(layout);
        PageBitmap bits = loose.bits();
        long free = 0;
        long dropped = 0;
        for (RamBlock block : layout.blocks()) {
            PageBitmap tight = into.block(block.index());
            long group = rule.group(block);
            for (long[] span : hostPageSpans(block, layout.guestPageSize(), group, fromPfn, toPfn)) {
                for (long first = span[0]; first < span[1]; first += group) {
                    if (rule.tightBit(block, first, bits)) {
                        tight.setRange(first, first + group);
                        free += group;
                    } else {
                        tight.clearRange(first, first + group);
                    }
                    dropped += rule.droppedByHugePageRule(block, first, bits);
                }
            }
        }
        long hole = rule.holeBits(bits, fromPfn, Math.min(toPfn, bits.size()));
        return new TightenResult(free, hole, dropped);
    }

    /** The block pages of the host pages that hold a PFN in {@code [from, to)}, as merged spans of whole host pages. */
    private static List<long[]> hostPageSpans(RamBlock block, long pageSize, long group, long from, long to) {
        List<long[]> spans = new ArrayList<>();
        for (RamRange r : block.ranges()) {
            long pfn0 = r.guestPhysAddr() / pageSize;
            long p0 = Math.max(from, pfn0);
            long p1 = Math.min(to, pfn0 + r.length() / pageSize);
            if (p0 < p1) {
                long page0 = r.blockOffset() / pageSize + (p0 - pfn0);
                long page1 = r.blockOffset() / pageSize + (p1 - pfn0);
                spans.add(new long[] {page0 - page0 % group, page1 + (group - page1 % group) % group});
            }
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] s : spans) {
            if (!merged.isEmpty() && s[0] <= merged.get(merged.size() - 1)[1]) {
                long[] last = merged.get(merged.size() - 1);
                last[1] = Math.max(last[1], s[1]);
            } else {
                merged.add(s);
            }
        }
        return merged;
    }
}
