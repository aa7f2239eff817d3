package io.pagehint.engine.destination;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.engine.memory.BlockViews;
import io.pagehint.engine.stream.PageRun;
import io.pagehint.engine.stream.StreamReader;
import io.pagehint.engine.stream.StreamRecord;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Puts what a PAGES record says into the destination's guest RAM: data straight from the socket
 * into guest RAM; a zero page over a page written before is discarded, one never written is not
 * touched, so RAM stays as sparse as the guest's use of it; fill pages are filled.
 */
final class PageWriter {

    private final IncomingVm vm;
    private final BlockViews views;
    private final int pageSize;
    private final PageBitmap[] written;

    long dataPages;
    long zeroPages;
    long fillPages;

    PageWriter(IncomingVm vm) {
        this.vm = vm;
        GuestMemoryLayout layout = vm.layout();
        this.views = new BlockViews(layout, vm.maxViewBytes(), vm::writableView);
        this.pageSize = layout.guestPageSize();
        this.written = new PageBitmap[layout.blocks().size()];
        for (int b = 0; b < written.length; b++) {
            written[b] = new PageBitmap(layout.blocks().get(b).pages(pageSize));
        }
    }

    void apply(StreamRecord.Pages record, StreamReader reader) throws IOException {
        int block = record.block();
        for (PageRun run : record.runs()) {
            switch (run.kind()) {
                case DATA -> {
                    forEachChunkPiece(run, (first, count) -> reader.readData(views.pages(block, first, count)));
                    written[block].setRange(run.firstPage(), run.endPage());
                    dataPages += run.pageCount();
                }
                case ZERO -> {
                    zero(block, run.firstPage(), run.endPage());
                    zeroPages += run.pageCount();
                }
                case FILL -> {
                    byte value = run.fillByte();
                    forEachChunkPiece(run, (first, count) -> fill(views.pages(block, first, count), value));
                    written[block].setRange(run.firstPage(), run.endPage());
                    fillPages += run.pageCount();
                }
            }
        }
    }

    private void zero(int block, long from, long to) {
        written[block].forEachSetRange(from, to, (s, e) -> vm.discard(block, s * pageSize, (e - s) * pageSize));
        written[block].clearRange(from, to);
    }

    private static void fill(ByteBuffer pages, byte value) {
        long pattern = (value & 0xFFL) * 0x0101_0101_0101_0101L;
        while (pages.remaining() >= 8) {
            pages.putLong(pattern);
        }
        while (pages.hasRemaining()) {
            pages.put(value);
        }
    }

    @FunctionalInterface
    private interface Piece {
        void accept(long firstPage, int count) throws IOException;
    }

    /** Splits a run into pieces that each lie in one view chunk. */
    private void forEachChunkPiece(PageRun run, Piece piece) throws IOException {
        long perChunk = views.pagesPerChunk();
        long p = run.firstPage();
        while (p < run.endPage()) {
            long chunkEnd = (p / perChunk + 1) * perChunk;
            int n = (int) (Math.min(run.endPage(), chunkEnd) - p);
            piece.accept(p, n);
            p += n;
        }
    }
}
