package io.pagehint.engine.memory;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * Guest RAM seen through a VMM's bounded views, one view per chunk of a block, made once and
 * kept: the source reads guest pages through it, the destination writes them. A page never
 * straddles two chunks, because chunks are a whole number of pages.
 */
public final class BlockViews {

    /** Makes the view of {@code length} bytes of block {@code block} from {@code offset}. */
    @FunctionalInterface
    public interface ViewFactory {
        ByteBuffer view(int block, long offset, int length);
    }

    private final ViewFactory factory;
    private final int pageSize;
    private final int chunkBytes;
    private final long[] blockSizes;
    private final ByteBuffer[][] chunks;
    private final LongBuffer[][] longs;

    public BlockViews(GuestMemoryLayout layout, int maxViewBytes, ViewFactory factory) {
        this.factory = factory;
        this.pageSize = layout.guestPageSize();
        // the largest power of two that is at most the VMM's limit and at least a page
        this.chunkBytes = Math.max(pageSize, Integer.highestOneBit(maxViewBytes));
        int blocks = layout.blocks().size();
        this.blockSizes = new long[blocks];
        this.chunks = new ByteBuffer[blocks][];
        this.longs = new LongBuffer[blocks][];
        for (RamBlock b : layout.blocks()) {
            blockSizes[b.index()] = b.size();
            int n = (int) ((b.size() + chunkBytes - 1) / chunkBytes);
            chunks[b.index()] = new ByteBuffer[n];
            longs[b.index()] = new LongBuffer[n];
        }
    }

    public int pageSize() {
        return pageSize;
    }

    /** Pages per chunk. */
    public long pagesPerChunk() {
        return chunkBytes / pageSize;
    }

    /** A buffer over {@code pages} pages of {@code block} from page {@code firstPage}, all in one chunk. */
    public ByteBuffer pages(int block, long firstPage, int pages) {
        long offset = firstPage * pageSize;
        int c = (int) (offset / chunkBytes);
        int within = (int) (offset - (long) c * chunkBytes);
        return chunk(block, c).slice(within, pages * pageSize);
    }

    /** Whether every byte of page {@code page} of {@code block} is zero. */
    public boolean isZeroPage(int block, long page) {
        long offset = page * pageSize;
        int c = (int) (offset / chunkBytes);
        int firstLong = (int) ((offset - (long) c * chunkBytes) >>> 3);
        LongBuffer l = longs(block, c);
        // OR-reduce the page; LongBuffer reads over a native-order direct buffer are vectorised
        long acc = 0;
        for (int i = firstLong, end = firstLong + (pageSize >>> 3); i < end; i++) {
            acc |= l.get(i);
        }
        return acc == 0;
    }

    private ByteBuffer chunk(int block, int c) {
        ByteBuffer v = chunks[block][c];
        if (v == null) {
            long offset = (long) c * chunkBytes;
            int len = (int) Math.min(chunkBytes, blockSizes[block] - offset);
            v = factory.view(block, offset, len);
            if (v.remaining() != len) {
                throw new IllegalStateException("view of block " + block + " at " + offset + " has "
                        + v.remaining() + " bytes, asked for " + len);
            }
            chunks[block][c] = v;
        }
        return v;
    }

    private LongBuffer longs(int block, int c) {
        LongBuffer l = longs[block][c];
        if (l == null) {
            l = chunk(block, c).duplicate().order(ByteOrder.nativeOrder()).asLongBuffer();
            longs[block][c] = l;
        }
        return l;
    }
}
