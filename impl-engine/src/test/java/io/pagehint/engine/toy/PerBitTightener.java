package io.pagehint.engine.toy;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;

/** The plainest correct tightener, a bit at a time over the whole guest, for engine tests. */
public final class PerBitTightener implements BitmapTightener {

    @Override
    public TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                                 TightFreePageBitmap into) {
        int ps = layout.guestPageSize();
        long free = 0;
        long partial = 0;
        for (RamBlock b : layout.blocks()) {
            PageBitmap tight = into.block(b.index());
            tight.clearAll();
            for (RamRange r : b.ranges()) {
                for (long i = 0; i < r.length() / ps; i++) {
                    long pfn = r.guestPhysAddr() / ps + i;
                    long gpa = pfn * ps;
                    if (pfn < loose.pfnLimit() && loose.bits().get(pfn) && layout.isUsableRam(gpa, ps)) {
                        tight.set(r.blockOffset() / ps + i);
                    }
                }
            }
            long before = tight.cardinality();
            tight.retainFullGroups(0, tight.size(), b.hostPageSize() / ps);
            free += tight.cardinality();
            partial += before - tight.cardinality();
        }
        long hole = 0;
        for (long pfn = loose.bits().nextSetBit(0); pfn >= 0; pfn = loose.bits().nextSetBit(pfn + 1)) {
            if (!layout.isUsableRam(pfn * ps, ps)) {
                hole++;
            }
        }
        return new TightenResult(free, hole, partial);
    }
}
