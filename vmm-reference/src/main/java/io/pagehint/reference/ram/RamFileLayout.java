package io.pagehint.reference.ram;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.util.List;

/**
 * Where guest RAM lives in the RAM file and how guest-physical addresses reach it. The file holds
 * the RAM blocks one after the other, in block order, each starting at a multiple of
 * {@link #blockAlignment} (2 MiB, or the block's host page size, or 64 guest pages, whichever is
 * largest: 64 pages of 64 KiB are 4 MiB); the gaps between blocks are never written and hold no
 * memory. Because every block starts at a multiple of 64 guest pages, the dirty-log bit of the page
 * at file offset {@code f} is simply bit {@code f / pageSize}, and a block's dirty bitmap is a run of
 * whole words.
 *
 * <p>A value computed from the layout alone: the guest, the host and the self-check derive the
 * same file from the same layout.
 */
public final class RamFileLayout {

    /** Smallest alignment of a block in the file. */
    public static final long MIN_BLOCK_ALIGNMENT = 2L << 20;

    private final GuestMemoryLayout layout;
    private final int pageShift;
    private final long[] blockFileOffset;
    private final long fileBytes;
    /** RAM ranges by ascending guest-physical address: start, end, file offset of start. */
    private final long[] rangeStart;
    private final long[] rangeEnd;
    private final long[] rangeFile;

    public RamFileLayout(GuestMemoryLayout layout) {
        this.layout = layout;
        this.pageShift = Integer.numberOfTrailingZeros(layout.guestPageSize());
        List<RamBlock> blocks = layout.blocks();
        this.blockFileOffset = new long[blocks.size()];
        long at = 0;
        for (RamBlock b : blocks) {
            long align = blockAlignment(b, layout.guestPageSize());
            at = (at + align - 1) & -align;
            blockFileOffset[b.index()] = at;
            at += b.size();
        }
        this.fileBytes = at;
        List<RamRange> ranges = layout.ramRanges();
        rangeStart = new long[ranges.size()];
        rangeEnd = new long[ranges.size()];
        rangeFile = new long[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            RamRange r = ranges.get(i);
            rangeStart[i] = r.guestPhysAddr();
            rangeEnd[i] = r.guestPhysEnd();
            rangeFile[i] = blockFileOffset[layout.blockAt(r.guestPhysAddr()).index()] + r.blockOffset();
        }
    }

    /** The alignment of a block's first byte in the file, for guest pages of {@code pageSize} bytes. */
    public static long blockAlignment(RamBlock block, int pageSize) {
        return Math.max(Math.max(MIN_BLOCK_ALIGNMENT, block.hostPageSize()), 64L * pageSize);
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    public int pageSize() {
        return layout.guestPageSize();
    }

    /** log2 of the guest page size. */
    public int pageShift() {
        return pageShift;
    }

    /** Size of the RAM file in bytes. */
    public long fileBytes() {
        return fileBytes;
    }

    /** Guest pages the file spans (gaps between blocks included): the dirty log's bit count. */
    public long filePages() {
        return fileBytes >>> pageShift;
    }

    public int blockCount() {
        return blockFileOffset.length;
    }

    /** File offset of byte 0 of block {@code block}. */
    public long blockFileOffset(int block) {
        return blockFileOffset[block];
    }

    /** Bytes of block {@code block}. */
    public long blockSize(int block) {
        return layout.blocks().get(block).size();
    }

    /**
     * File offset of {@code [gpa, gpa + length)} when it is RAM inside one RAM range (so
     * contiguous in the file); -1 otherwise.
     */
    public long fileOffset(long gpa, long length) {
        if (gpa < 0 || length < 0 || gpa + length < gpa) {
            return -1;
        }
        for (int i = 0; i < rangeStart.length; i++) {
            if (gpa >= rangeStart[i] && gpa < rangeEnd[i]) {
                return gpa + length <= rangeEnd[i] ? rangeFile[i] + (gpa - rangeStart[i]) : -1;
            }
        }
        return -1;
    }

    /** Number of RAM ranges, by ascending guest-physical address. */
    int rangeCount() {
        return rangeStart.length;
    }

    long rangeStart(int i) {
        return rangeStart[i];
    }

    long rangeEnd(int i) {
        return rangeEnd[i];
    }

    /**
     * Checks that {@code [offset, offset + length)} lies inside block {@code block} and returns its
     * file offset.
     *
     * @throws IndexOutOfBoundsException if it does not
     */
    public long blockRangeFileOffset(int block, long offset, long length) {
        if (block < 0 || block >= blockFileOffset.length) {
            throw new IndexOutOfBoundsException("no RAM block " + block);
        }
        long size = blockSize(block);
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IndexOutOfBoundsException("bytes " + offset + "+" + length + " are outside block "
                    + block + " of " + size + " bytes");
        }
        return blockFileOffset[block] + offset;
    }
}
