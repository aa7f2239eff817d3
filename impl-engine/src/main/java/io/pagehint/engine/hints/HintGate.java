package io.pagehint.engine.hints;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.hint.HintChunk;
import io.pagehint.api.hint.HintConsumer;
import io.pagehint.api.hint.HintStatus;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.engine.memory.MigrationBitmap;
import java.util.function.Consumer;

/**
 * Where hints meet the migration bitmap, and the guard of the one invariant.
 *
 * <p>A hint says a page was free at some moment after dirty logging started. Clearing its bit is
 * safe only until the dirty log is next harvested: a page hinted free, then allocated and written,
 * is dirty in the log, and the harvest puts it back in the migration bitmap. If the hint were
 * applied after that harvest, it would clear the bit the harvest just set and the write would be
 * lost. So the gate is open for exactly one command id, the current round's, and
 * {@link #close()} shuts it before every harvest: a chunk applied holds the gate's lock, so once
 * {@code close()} returns no chunk is being applied and no later chunk gets through, whatever the
 * hint source does. Chunks of any other command id are dropped and counted.
 *
 * <p>Each chunk is set into the loose bitmap of its request, the host pages it touches are
 * re-tightened, and only those parts of the migration bitmap are filtered.
 */
public final class HintGate implements HintConsumer {

    /** Told of each request's end. */
    public interface FinishListener {
        void finished(long commandId, HintStatus status, String detail);
    }

    private final Object lock = new Object();
    private final GuestMemoryLayout layout;
    private final BitmapTightener tightener;
    private final MigrationBitmap migration;
    private final PfnMap pfnMap;
    private final LooseFreePageBitmap loose;
    private final TightFreePageBitmap tight;
    private final PageBitmap[] skipped;
    private final boolean applyStaleHints;
    private final FinishListener finishListener;
    private final Consumer<String> failure;
    private long openCommandId;
    private boolean broken;

    // written only under the lock, read without it: a progress report must not wait behind a chunk
    private volatile long chunksApplied;
    private volatile long chunksDropped;
    private volatile long pagesHinted;
    private volatile long pagesSkipped;
    private volatile long holeBits;
    private volatile long firstChunkNanos = -1;

    /**
     * @param skipped         when not null, every page the gate clears is also set here, by block
     *                        (for guests that poison free pages: those pages must be filled on the
     *                        destination)
     * @param applyStaleHints TEST ONLY: apply chunks of any command id, even after a harvest —
     *                        breaks the invariant on purpose so the race test can prove it fails
     * @param failure         told once if the tightener throws; hints stop for the migration
     */
    public HintGate(GuestMemoryLayout layout, BitmapTightener tightener, MigrationBitmap migration,
                    PageBitmap[] skipped, boolean applyStaleHints, FinishListener finishListener,
                    Consumer<String> failure) {
        this.layout = layout;
        this.tightener = tightener;
        this.migration = migration;
        this.pfnMap = new PfnMap(layout);
        this.loose = LooseFreePageBitmap.forLayout(layout);
        this.tight = new TightFreePageBitmap(layout);
        this.skipped = skipped;
        this.applyStaleHints = applyStaleHints;
        this.finishListener = finishListener;
        this.failure = failure;
    }

    /** Lets chunks of {@code commandId} through, starting from empty loose and tight bitmaps. */
    public void open(long commandId) {
        synchronized (lock) {
            loose.bits().clearAll();
            tight.clearAll();
            openCommandId = commandId;
        }
    }

    /** Shuts the gate: when this returns, no chunk is being applied and none will be until the next {@link #open}. */
    public void close() {
        synchronized (lock) {
            openCommandId = 0;
        }
    }

    @Override
    public void onChunk(HintChunk chunk) {
        synchronized (lock) {
            boolean current = openCommandId != 0 && chunk.commandId() == openCommandId;
            if (broken || (!current && !applyStaleHints)) {
                chunksDropped++;
                return;
            }
            if (firstChunkNanos < 0) {
                firstChunkNanos = System.nanoTime();
            }
            try {
                apply(chunk);
            } catch (RuntimeException e) {
                broken = true;
                failure.accept("the tightener failed on a chunk of hints (" + e + "); hints stopped");
            }
        }
    }

    private void apply(HintChunk chunk) {
        long first = Math.max(0, chunk.firstPfn());
        long end = Math.min(loose.pfnLimit(), chunk.endPfn());
        if (first >= end) {
            return; // entirely outside guest RAM: nothing it says can be applied
        }
        chunk.setInto(loose.bits());
        pagesHinted += chunk.pages();
        TightenResult r = tightener.tighten(layout, loose, first, end, tight);
        holeBits += r.holeBits();
        pfnMap.forEachBlockRange(first, end, (block, from, to) -> {
            PageBitmap mig = migration.block(block);
            PageBitmap free = tight.block(block);
            if (skipped != null) {
                // record exactly the bits this filter clears: free pages still waiting to be sent
                for (long w = from >>> 6; w <= (to - 1) >>> 6; w++) {
                    long mask = PageBitmap.wordMask(w, from, to) & free.word(w);
                    long cleared = mig.andNotWord(w, mask);
                    pagesSkipped += Long.bitCount(cleared);
                    skipped[block].orWord(w, cleared);
                }
            } else {
                pagesSkipped += mig.andNot(free, from, to);
            }
        });
        chunksApplied++;
    }

    @Override
    public void onFinished(long commandId, HintStatus status, String detail) {
        finishListener.finished(commandId, status, detail);
    }

    /**
     * The counters so far, read without the gate's lock (the sender asks for them between every
     * batch and must not wait while a chunk is applied); each is exact, together they may be a
     * chunk apart.
     */
    public Counters counters() {
        return new Counters(chunksApplied, chunksDropped, pagesHinted, pagesSkipped, holeBits, firstChunkNanos);
    }

    /** What the gate has let through and kept out. */
    public record Counters(long chunksApplied, long chunksDropped, long pagesHinted, long pagesSkipped,
                           long holeBits, long firstChunkNanos) {
    }
}
