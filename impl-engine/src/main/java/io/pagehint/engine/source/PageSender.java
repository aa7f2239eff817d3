package io.pagehint.engine.source;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.engine.memory.BlockViews;
import io.pagehint.engine.memory.MigrationBitmap;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.stream.StreamWriter;
import java.io.IOException;

/**
 * Sends what the migration bitmap holds. It takes 4 words (256 pages, one batch of data) at a time
 * out of a block's bitmap — atomically, so hints clearing bits of the same words concurrently never
 * race with it, and in small bites, so a hint that arrives while a batch is on the wire can still
 * skip the pages after it — and sends each page it took: as a zero marker when the VMM says the
 * page holds no memory or when it reads as zeros, otherwise its content straight from guest RAM.
 *
 * <p>Which pages hold no memory is asked of the VMM in the first pass only, for each window of
 * {@value #WINDOW_PAGES} pages the pass takes a page from, when it first does: so a pass that sends
 * few pages (the bulk round of a guest that hinted most of its memory free) asks about little, and
 * one that sends every page asks about the whole block once. Later passes send only pages
 * harvested from the dirty log: the guest wrote them, so they hold memory and asking would find
 * nothing; not asking keeps that cost out of the stop-and-copy round, where it would be downtime.
 * An answer can grow stale during the pass; that is safe, as a page written after the question is
 * in the dirty log and goes again.
 */
final class PageSender {

    /** Called between batches: throws to stop the round (cancel), reports progress. */
    @FunctionalInterface
    interface Checkpoint {
        void reached(long pagesSentSoFar) throws InterruptedException;
    }

    private static final int WORDS_PER_TAKE = 4;
    /** Pages per question about backing: 16 MiB of 4 KiB pages. */
    static final int WINDOW_PAGES = 4096;
    private static final int WINDOW_SHIFT = Integer.numberOfTrailingZeros(WINDOW_PAGES);

    private final BlockViews views;
    private final GuestRam ram;
    private final MigrationBitmap migration;
    private final PagesBatch batch;
    /** Per block: the pages the VMM said hold no memory, in the windows asked about. */
    private final PageBitmap[] unbacked;
    /** Per block: the windows asked about in this pass. */
    private final PageBitmap[] asked;
    private final long[] taken = new long[WORDS_PER_TAKE];
    /** This sender's stream and the migration's stream count: it sends only the pages of its units (docs/STREAM.md 6). */
    private final int stream;
    private final int streams;
    /** Whether the next pass is the first: the only one that asks which pages hold no memory. */
    private boolean firstPass = true;

    PageSender(BlockViews views, GuestRam ram, MigrationBitmap migration, StreamWriter writer) {
        this(views, ram, migration, writer, 0, 1);
    }

    /** A sender of stream {@code stream} of {@code streams}: it takes only the pages that stream carries. */
    PageSender(BlockViews views, GuestRam ram, MigrationBitmap migration, StreamWriter writer, int stream, int streams) {
        this.stream = stream;
        this.streams = streams;
        this.views = views;
        this.ram = ram;
        this.migration = migration;
        this.batch = new PagesBatch(views, writer);
        this.unbacked = new PageBitmap[migration.blockCount()];
        this.asked = new PageBitmap[migration.blockCount()];
        for (int b = 0; b < unbacked.length; b++) {
            unbacked[b] = new PageBitmap(migration.block(b).size());
            asked[b] = new PageBitmap((migration.block(b).size() + WINDOW_PAGES - 1) >>> WINDOW_SHIFT);
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
        boolean askBacking = firstPass;
        firstPass = false;
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
                long limit = words;
                if (streams > 1) {
                    long unit = next / StreamFormat.UNIT_PAGES;
                    int owner = (int) (unit % streams);
                    if (owner != stream) {
                        // on to this stream's next unit: another stream's sender takes these pages
                        w = (unit + (stream - owner + streams) % streams) * StreamFormat.UNIT_PAGES >>> 6;
                        continue;
                    }
                    limit = Math.min(words, (unit + 1) * StreamFormat.UNIT_PAGES >>> 6);
                }
                int len = (int) Math.min(WORDS_PER_TAKE, limit - w);
                if (bitmap.getAndClearWords(w, taken, 0, len) != 0) {
                    sendTaken(b, w, len, askBacking);
                    checkpoint.reached(batch.pagesSent);
                }
                w += len;
            }
        }
        batch.flush();
    }

    private void sendTaken(int block, long firstWord, int len, boolean askBacking) throws IOException, InterruptedException {
        for (int i = 0; i < len; i++) {
            long bits = taken[i];
            while (bits != 0) {
                long page = ((firstWord + i) << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if ((askBacking && unbacked(block, page)) || views.isZeroPage(block, page)) {
                    batch.zero(block, page);
                } else {
                    batch.data(block, page);
                }
            }
        }
    }

    private void forgetUnbacked() {
        for (int b = 0; b < unbacked.length; b++) {
            if (asked[b].cardinality() > 0) {
                unbacked[b].clearAll();
                asked[b].clearAll();
            }
        }
    }

    /** Whether {@code page} of {@code block} holds no memory, asking the VMM about its window the first time. */
    private boolean unbacked(int block, long page) {
        long window = page >>> WINDOW_SHIFT;
        if (!asked[block].get(window)) {
            asked[block].set(window);
            long from = window << WINDOW_SHIFT;
            ram.markUnbackedPages(block, from, Math.min(unbacked[block].size(), from + WINDOW_PAGES), unbacked[block]);
        }
        return unbacked[block].get(page);
    }

    /** Sends the pages of {@code pages} (by block) as runs that read as {@code value}, and clears them. */
    void sendFills(PageBitmap[] pages, byte value) throws IOException, InterruptedException {
        for (int b = 0; b < pages.length; b++) {
            PageBitmap bm = pages[b];
            for (long w = 0; w < bm.wordCount(); w += WORDS_PER_TAKE) {
                if (streams > 1 && StreamFormat.streamOf(w << 6, streams) != stream) {
                    continue; // takes are 4 words, units 8: a take lies in one unit
                }
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
