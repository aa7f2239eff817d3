package io.pagehint.engine.hints;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.PageRun;
import io.pagehint.api.memory.RamBlock;
import java.util.List;

/**
 * Where guest page frames live in RAM blocks: for a span of PFNs, the block page ranges it covers,
 * widened to whole host pages. The engine uses it to filter only the part of the migration bitmap
 * that a chunk of hints can have changed.
 */
final class PfnMap {

    /** Receives a block page range. */
    @FunctionalInterface
    interface BlockRangeAction {
        void accept(int block, long fromPage, long toPage);
    }

    /** The layout's RAM as page runs, by PFN ({@link GuestMemoryLayout#ramRuns()}). */
    private final List<PageRun> runs;
    private final long[] hostPageGuestPages;
    private final long[] blockPages;

    PfnMap(GuestMemoryLayout layout) {
        int pageSize = layout.guestPageSize();
        runs = layout.ramRuns();
        hostPageGuestPages = new long[layout.blocks().size()];
        blockPages = new long[layout.blocks().size()];
        for (RamBlock b : layout.blocks()) {
            hostPageGuestPages[b.index()] = b.hostPageSize() / pageSize;
            blockPages[b.index()] = b.pages(pageSize);
        }
    }

    /** Calls {@code action} for each block page range that PFNs {@code [fromPfn, toPfn)} map to, in whole host pages. */
    void forEachBlockRange(long fromPfn, long toPfn, BlockRangeAction action) {
        for (PageRun r : runs) {
            long lo = Math.max(fromPfn, r.firstPfn());
            long hi = Math.min(toPfn, r.endPfn());
            if (lo >= hi) {
                continue;
            }
            long group = hostPageGuestPages[r.block()];
            long from = (r.firstBlockPage() + (lo - r.firstPfn())) / group * group;
            long to = Math.min(blockPages[r.block()], ceil(r.firstBlockPage() + (hi - r.firstPfn()), group));
            action.accept(r.block(), from, to);
        }
    }

    private static long ceil(long v, long multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
