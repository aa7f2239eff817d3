package io.pagehint.engine.hints;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where guest page frames live in RAM blocks: for a span of PFNs, the block page ranges it covers,
 * widened to whole host pages. The engine uses it to filter only the part of the migration bitmap
 * that a chunk of hints can have changed.
 */
final class PfnMap {

    /** PFNs {@code [firstPfn, endPfn)} are pages {@code [firstPage, ...)} of block {@code block}. */
    private record Segment(long firstPfn, long endPfn, int block, long firstPage) {
    }

    /** Receives a block page range. */
    @FunctionalInterface
    interface BlockRangeAction {
        void accept(int block, long fromPage, long toPage);
    }

    private final List<Segment> segments = new ArrayList<>();
    private final long[] hostPageGuestPages;
    private final long[] blockPages;

    PfnMap(GuestMemoryLayout layout) {
        int pageSize = layout.guestPageSize();
        hostPageGuestPages = new long[layout.blocks().size()];
        blockPages = new long[layout.blocks().size()];
        for (RamBlock b : layout.blocks()) {
            hostPageGuestPages[b.index()] = b.hostPageSize() / pageSize;
            blockPages[b.index()] = b.pages(pageSize);
            for (RamRange r : b.ranges()) {
                segments.add(new Segment(r.guestPhysAddr() / pageSize, r.guestPhysEnd() / pageSize, b.index(),
                        r.blockOffset() / pageSize));
            }
        }
        segments.sort(Comparator.comparingLong(Segment::firstPfn));
    }

    /** Calls {@code action} for each block page range that PFNs {@code [fromPfn, toPfn)} map to, in whole host pages. */
    void forEachBlockRange(long fromPfn, long toPfn, BlockRangeAction action) {
        for (Segment s : segments) {
            long lo = Math.max(fromPfn, s.firstPfn);
            long hi = Math.min(toPfn, s.endPfn);
            if (lo >= hi) {
                continue;
            }
            long group = hostPageGuestPages[s.block];
            long from = (s.firstPage + (lo - s.firstPfn)) / group * group;
            long to = Math.min(blockPages[s.block], ceil(s.firstPage + (hi - s.firstPfn), group));
            action.accept(s.block, from, to);
        }
    }

    private static long ceil(long v, long multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
