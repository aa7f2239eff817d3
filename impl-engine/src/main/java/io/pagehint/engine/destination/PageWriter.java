package io.pagehint.engine.destination;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.engine.memory.BlockViews;
import io.pagehint.engine.stream.PageRun;
import io.pagehint.engine.stream.StreamReader;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.stream.StreamRecord;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Puts what a PAGES record says into the destination's guest RAM: data from the socket into a
 * staging buffer of one record's data (1 MiB of 4 KiB pages, so it stays in the CPU's cache), then
 * into guest RAM with {@link IncomingVm#write}; a zero page over a page written before is
 * discarded, one never written is not touched, so RAM stays as sparse as the guest's use of it;
 * fill pages are filled.
 *
 * <p>Why not read the socket straight into a writable view of guest RAM: on the destination nearly
 * every page is written for the first time, and a store into a page that holds no memory yet costs
 * a page fault each; a VMM with file-backed RAM writes the staged bytes with {@code pwrite}, which
 * allocates the pages inside one system call. Measured in docs/PERFORMANCE.md; the staging copy is
 * in cache and costs far less than what it saves.
 */
final class PageWriter {

    private final IncomingVm vm;
    private final BlockViews views;
    private final int pageSize;
    private final PageBitmap[] written;
    private final ByteBuffer staging;

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
        // a record's data, and no more than one write may carry
        this.staging = ByteBuffer.allocateDirect(Math.min(StreamFormat.MAX_DATA_PAGES * pageSize,
                Math.max(pageSize, vm.maxViewBytes() / pageSize * pageSize)));
    }

    void apply(StreamRecord.Pages record, StreamReader reader) throws IOException {
        int block = record.block();
        for (PageRun run : record.runs()) {
            switch (run.kind()) {
                case DATA -> {
                    writeData(block, run, reader);
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

    private void writeData(int block, PageRun run, StreamReader reader) throws IOException {
        int perWrite = staging.capacity() / pageSize;
        for (long p = run.firstPage(); p < run.endPage(); ) {
            int n = (int) Math.min(perWrite, run.endPage() - p);
            staging.clear().limit(n * pageSize);
            reader.readData(staging);
            staging.flip();
            vm.write(block, p * pageSize, staging);
            p += n;
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
