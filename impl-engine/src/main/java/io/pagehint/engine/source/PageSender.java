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
 * Which pages hold no memory is asked of the VMM once per window of 4096 pages.
 */
final class PageSender {

    /** Called between batches: throws to stop the round (cancel), reports progress. */
    @FunctionalInterface
    interface Checkpoint {
        void reached(long pagesSentSoFar) throws InterruptedException;
    }

    private static final int WORDS_PER_TAKE = 4;
    private static final int WORDS_PER_UNBACKED_WINDOW = 64;

    private final BlockViews views;
    private final GuestRam ram;
    private final MigrationBitmap migration;
    private final PagesBatch batch;
    private final PageBitmap[] unbacked;
    private int windowBlock = -1;
    private long windowFirstWord = -1;
    private boolean windowHasUnbacked;
    private final long[] taken = new long[WORDS_PER_TAKE];

    PageSender(BlockViews views, GuestRam ram, MigrationBitmap migration, StreamWriter writer) {
        this.views = views;
        this.ram = ram;
        this.migration = migration;
        this.batch = new PagesBatch(views, writer);
        this.unbacked = new PageBitmap[migration.blockCount()];
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
        forgetUnbackedWindow();
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
        PageBitmap holes = unbackedWindow(block, firstWord);
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

    private void forgetUnbackedWindow() {
        if (windowHasUnbacked) {
            unbacked[windowBlock].clearRange(windowFirstWord << 6,
                    Math.min(unbacked[windowBlock].size(), (windowFirstWord + WORDS_PER_UNBACKED_WINDOW) << 6));
        }
        windowHasUnbacked = false;
        windowBlock = -1;
        windowFirstWord = -1;
    }

    /** The pages without memory in the window holding {@code word}, or null if it has none. */
    private PageBitmap unbackedWindow(int block, long word) {
        long first = word / WORDS_PER_UNBACKED_WINDOW * WORDS_PER_UNBACKED_WINDOW;
        if (block != windowBlock || first != windowFirstWord) {
            forgetUnbackedWindow();
            windowBlock = block;
            windowFirstWord = first;
            long from = first << 6;
            long to = Math.min(unbacked[block].size(), (first + WORDS_PER_UNBACKED_WINDOW) << 6);
            windowHasUnbacked = ram.markUnbackedPages(block, from, to, unbacked[block]) > 0;
        }
        return windowHasUnbacked ? unbacked[block] : null;
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
