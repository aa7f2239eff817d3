package io.pagehint.engine.source;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.engine.memory.BlockViews;
import io.pagehint.engine.memory.MigrationBitmap;
import io.pagehint.engine.stream.StreamWriter;
import java.io.IOException;

/**
 * Sends what the migration bitmap holds. It takes 4 words (256 pages, one batch of data) at a time
 * out of a block's bitmap — atomically, so hints clearing bits of the same words concurrently never
 * race with it, and in small bites, so a hint that arrives while a batch is on the wire can still
 * skip the pages after it — and sends each page it took: as a zero marker when the VMM says the
 * page holds no memory or when it reads as zeros, otherwise its content straight from guest RAM.
 * Which pages hold no memory is asked of the VMM once per block and pass, when the pass first
 * takes a page of the block: asking in small windows is far slower, as the usual way to ask
 * (lseek SEEK_HOLE on a tmpfs file) scans to the next hole however small the window. An answer
 * can grow stale during the pass; that is safe, as a page written after the question is in the
 * dirty log and goes again.
 */
final class PageSender {

    /** Called between batches: throws to stop the round (cancel), reports progress. */
    @FunctionalInterface
    interface Checkpoint {
        void reached(long pagesSentSoFar) throws InterruptedException;
    }

    private static final int WORDS_PER_TAKE = 4;

    private final BlockViews views;
    private final GuestRam ram;
    private final MigrationBitmap migration;
    private final PagesBatch batch;
    private final PageBitmap[] unbacked;
    /** Per block: whether this pass has asked the VMM yet, and whether it has any unbacked pages. */
    private final boolean[] asked;
    private final boolean[] anyUnbacked;
    private final long[] taken = new long[WORDS_PER_TAKE];

    PageSender(BlockViews views, GuestRam ram, MigrationBitmap migration, StreamWriter writer) {
        this.views = views;
        this.ram = ram;
        this.migration = migration;
        this.batch = new PagesBatch(views, writer);
        this.unbacked = new PageBitmap[migration.blockCount()];
        this.asked = new boolean[migration.blockCount()];
        this.anyUnbacked = new boolean[migration.blockCount()];
        for (int b = 0; b < unbacked.length; b++) {
            unbacked[b] = new PageBitmap(migration.block(b).size());
        }
    }

    long pagesSent() {
        return batch.pagesSent;
    }

    long zeroPages() {
        return batch.zeroPages;
    }

    long fillPages() {
        return batch.fillPages;
    }

    /** Sends every page in the migration bitmap, block by block, until it is empty. */
    void sendAll(Checkpoint checkpoint) throws IOException, InterruptedException {
        checkpoint.reached(batch.pagesSent);
        // what the VMM said about backing is only good until the next harvest: a page written
        // after the question and before the harvest would otherwise go as zeros, and never again
        forgetUnbacked();
        for (int b = 0; b < migration.blockCount(); b++) {
            PageBitmap bitmap = migration.block(b);
            long words = bitmap.wordCount();
            // one forward pass is complete: during a round only hints change the bitmap, and they only clear
            long w = 0;
            while (w < words) {
                long next = bitmap.nextSetBit(w << 6);
                if (next < 0) {
                    break;
                }
                w = next >>> 6;
                int len = (int) Math.min(WORDS_PER_TAKE, words - w);
                if (bitmap.getAndClearWords(w, taken, 0, len) != 0) {
                    sendTaken(b, w, len);
                    checkpoint.reached(batch.pagesSent);
                }
                w += len;
            }
        }
        batch.flush();
    }

    private void sendTaken(int block, long firstWord, int len) throws IOException, InterruptedException {
        PageBitmap holes = unbacked(block);
        for (int i = 0; i < len; i++) {
            long bits = taken[i];
            while (bits != 0) {
                long page = ((firstWord + i) << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if ((holes != null && holes.get(page)) || views.isZeroPage(block, page)) {
                    batch.zero(block, page);
                } else {
                    batch.data(block, page);
                }
            }
        }
    }

    private void forgetUnbacked() {
        for (int b = 0; b < unbacked.length; b++) {
            if (anyUnbacked[b]) {
                unbacked[b].clearAll();
            }
            asked[b] = false;
            anyUnbacked[b] = false;
        }
    }

    /** The pages of {@code block} without memory, as asked once this pass, or null if it has none. */
    private PageBitmap unbacked(int block) {
        if (!asked[block]) {
            asked[block] = true;
            anyUnbacked[block] = ram.markUnbackedPages(block, 0, unbacked[block].size(), unbacked[block]) > 0;
        }
        return anyUnbacked[block] ? unbacked[block] : null;
    }

    /** Sends the pages of {@code pages} (by block) as runs that read as {@code value}, and clears them. */
    void sendFills(PageBitmap[] pages, byte value) throws IOException, InterruptedException {
        for (int b = 0; b < pages.length; b++) {
            PageBitmap bm = pages[b];
            for (long w = 0; w < bm.wordCount(); w += WORDS_PER_TAKE) {
                int len = (int) Math.min(WORDS_PER_TAKE, bm.wordCount() - w);
                if (bm.getAndClearWords(w, taken, 0, len) == 0) {
                    continue;
                }
                for (int i = 0; i < len; i++) {
                    long bits = taken[i];
                    while (bits != 0) {
                        long page = ((w + i) << 6) + Long.numberOfTrailingZeros(bits);
                        bits &= bits - 1;
                        batch.fill(b, page, 1, value);
                    }
                }
            }
        }
        batch.flush();
    }
}
