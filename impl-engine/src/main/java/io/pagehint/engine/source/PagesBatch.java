package io.pagehint.engine.source;

import io.pagehint.engine.memory.BlockViews;
import io.pagehint.engine.stream.PageRun;
import io.pagehint.engine.stream.StreamFormat;
import io.pagehint.engine.stream.StreamWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the pages of one block into the runs of a PAGES record and writes the record when it
 * is full: at most {@value StreamFormat#MAX_RUNS} runs and {@value StreamFormat#MAX_DATA_PAGES}
 * data pages, so per-page overhead stays a few bytes. Data pages stay in guest RAM: the record
 * refers to views of them and the writer sends them from there.
 */
final class PagesBatch {

    private final BlockViews views;
    private final StreamWriter writer;
    private final List<PageRun> runs = new ArrayList<>(StreamFormat.MAX_RUNS);
    private final ByteBuffer[] data = new ByteBuffer[StreamFormat.MAX_DATA_PAGES];
    private int dataBuffers;
    private int dataPages;
    private int block = -1;
    // the run being built
    private PageRun.Kind kind;
    private byte fill;
    private long runFirst;
    private int runCount;
    // the data stretch being built: contiguous data pages in one view chunk
    private long stretchFirst;
    private int stretchCount;

    // totals
    long pagesSent;
    long zeroPages;
    long fillPages;

    PagesBatch(BlockViews views, StreamWriter writer) {
        this.views = views;
        this.writer = writer;
    }

    void data(int blk, long page) throws IOException, InterruptedException {
        add(blk, page, PageRun.Kind.DATA, (byte) 0);
    }

    void zero(int blk, long page) throws IOException, InterruptedException {
        add(blk, page, PageRun.Kind.ZERO, (byte) 0);
    }

    /** {@code count} pages from {@code page}, all reading as {@code value}. */
    void fill(int blk, long page, int count, byte value) throws IOException, InterruptedException {
        PageRun.Kind k = value == 0 ? PageRun.Kind.ZERO : PageRun.Kind.FILL;
        for (int i = 0; i < count; i++) {
            add(blk, page + i, k, value);
        }
    }

    private void add(int blk, long page, PageRun.Kind k, byte value) throws IOException, InterruptedException {
        if (blk != block) {
            flush();
            block = blk;
        }
        boolean extends_ = runCount > 0 && k == kind && value == fill && page == runFirst + runCount;
        if (!extends_) {
            closeRun();
            if (runs.size() == StreamFormat.MAX_RUNS) {
                flush();
            }
            kind = k;
            fill = value;
            runFirst = page;
            runCount = 0;
        }
        if (k == PageRun.Kind.DATA) {
            if (dataPages == StreamFormat.MAX_DATA_PAGES) {
                closeRun();
                flush();
                kind = k;
                fill = value;
                runFirst = page;
                runCount = 0;
            }
            boolean sameChunk = stretchCount > 0 && page == stretchFirst + stretchCount
                    && page / views.pagesPerChunk() == stretchFirst / views.pagesPerChunk();
            if (!sameChunk) {
                closeStretch();
                stretchFirst = page;
            }
            stretchCount++;
            dataPages++;
            pagesSent++;
        } else if (k == PageRun.Kind.ZERO) {
            zeroPages++;
        } else {
            fillPages++;
        }
        runCount++;
    }

    private void closeStretch() {
        if (stretchCount > 0) {
            data[dataBuffers++] = views.pages(block, stretchFirst, stretchCount);
            stretchCount = 0;
        }
    }

    private void closeRun() {
        if (runCount > 0) {
            runs.add(new PageRun(runFirst, runCount, kind, kind == PageRun.Kind.FILL ? fill : 0));
            if (kind == PageRun.Kind.DATA) {
                closeStretch();
            }
            runCount = 0;
        }
    }

    /** Writes what is gathered as one PAGES record. */
    void flush() throws IOException, InterruptedException {
        closeRun();
        if (runs.isEmpty()) {
            return;
        }
        writer.pages(block, runs, data, dataBuffers);
        runs.clear();
        java.util.Arrays.fill(data, 0, dataBuffers, null);
        dataBuffers = 0;
        dataPages = 0;
    }
}
