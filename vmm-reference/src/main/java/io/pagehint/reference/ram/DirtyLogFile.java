package io.pagehint.reference.ram;

import io.pagehint.api.bitmap.PageBitmap;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The dirty log in a shared file: one bit per guest page of the RAM file, in 64-bit little-endian
 * words after a {@value #HEADER_BYTES}-byte header (format in docs/GUEST.md). Bit {@code f / pageSize}
 * belongs to the page at RAM-file offset {@code f}; since every RAM block starts at a multiple of
 * 64 pages in the file ({@link RamFileLayout}), block {@code b}'s bitmap, indexed by page offset
 * in the block, is a run of whole words starting at word {@link #firstWord(int)}.
 *
 * <p>The guest marks bits with an atomic OR ({@link #mark}, only reachable through the write path
 * of {@link GuestPhysicalMemory}); the host takes them with an atomic get-and-set to zero
 * ({@link #harvest}), as KVM's {@code kvm_get_dirty_log_protect} takes each word of a memslot's
 * bitmap with {@code xchg}. Both are the hardware's atomic instructions on the same physical
 * memory, so they are atomic between processes.
 */
public final class DirtyLogFile implements AutoCloseable {

    /** Bytes before the first word. */
    public static final int HEADER_BYTES = 4096;
    /** "PHDIRTY1" as a little-endian long. */
    static final long MAGIC = 0x3159545249444850L;
    static final int VERSION = 1;
    private static final int BLOCK_TABLE = 32;
    private static final int BLOCK_ENTRY = 16;
    /** Blocks the header can describe. */
    static final int MAX_BLOCKS = (HEADER_BYTES - BLOCK_TABLE) / BLOCK_ENTRY;

    private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int HARVEST_BATCH = 4096;

    private final RamFileLayout ram;
    private final SharedFile file;
    private final SharedMapping map;
    private final long wordCount;

    private DirtyLogFile(RamFileLayout ram, SharedFile file, SharedMapping map) {
        this.ram = ram;
        this.file = file;
        this.map = map;
        this.wordCount = (ram.filePages() + 63) >>> 6;
    }

    /** Bytes of the dirty-log file for a RAM file laid out as {@code ram}. */
    public static long fileBytes(RamFileLayout ram) {
        return HEADER_BYTES + ((ram.filePages() + 63) >>> 6) * Long.BYTES;
    }

    /** Creates the file (sparse, all bits clear) and writes its header. */
    public static DirtyLogFile create(Path path, RamFileLayout ram) throws IOException {
        if (ram.blockCount() > MAX_BLOCKS) {
            throw new IllegalArgumentException("a dirty log holds at most " + MAX_BLOCKS + " RAM blocks");
        }
        SharedFile f = SharedFile.create(path, fileBytes(ram));
        try {
            DirtyLogFile log = new DirtyLogFile(ram, f, f.map(0, fileBytes(ram), true));
            log.writeHeader();
            return log;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Opens an existing dirty log and checks that its header describes {@code ram}. */
    public static DirtyLogFile open(Path path, RamFileLayout ram) throws IOException {
        SharedFile f = SharedFile.open(path, true, fileBytes(ram));
        try {
            DirtyLogFile log = new DirtyLogFile(ram, f, f.map(0, fileBytes(ram), true));
            log.checkHeader(path);
            return log;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public RamFileLayout ramLayout() {
        return ram;
    }

    /** The word where block {@code block}'s bitmap starts. */
    public long firstWord(int block) {
        return (ram.blockFileOffset(block) >>> ram.pageShift()) >>> 6;
    }

    /** Words of block {@code block}'s bitmap. */
    public int blockWords(int block) {
        return (int) ((ram.blockSize(block) / ram.pageSize() + 63) >>> 6);
    }

    /**
     * Sets the bits of every page that {@code [fileOffset, fileOffset + length)} touches: per word,
     * a plain read first and the atomic OR only when a bit is missing, so rewriting a page that is
     * already dirty costs no atomic instruction. Called only by the write path, after the data is
     * written and a full fence has passed.
     */
    void mark(long fileOffset, long length) {
        int shift = ram.pageShift();
        long first = fileOffset >>> shift;
        long last = (fileOffset + length - 1) >>> shift;
        for (long w = first >>> 6; w <= last >>> 6; w++) {
            long lo = Math.max(first, w << 6);
            long hi = Math.min(last, (w << 6) + 63);
            long mask = (-1L >>> (63 - (hi - lo))) << (lo & 63);
            ByteBuffer buf = buffer(w);
            int at = index(w);
            long v = (long) WORD.getOpaque(buf, at);
            if ((v & mask) != mask) {
                WORD.getAndBitwiseOr(buf, at, mask);
            }
        }
    }

    /**
     * Moves block {@code block}'s dirty bits into {@code into}: each non-zero word is taken with an
     * atomic get-and-set to zero and ORed into {@code into} (indexed by page offset in the block).
     * A write whose bit was taken here is visible to whoever reads the page after this returns; a
     * write whose bit is set after its word was taken stays in the log for the next harvest.
     *
     * @return how many dirty pages it took
     */
    public long harvest(int block, PageBitmap into) {
        long first = firstWord(block);
        int words = blockWords(block);
        if (into.wordCount() < words) {
            throw new IllegalArgumentException("bitmap of " + into.size() + " bits is smaller than block " + block);
        }
        long[] batch = new long[Math.min(HARVEST_BATCH, words)];
        long taken = 0;
        for (int done = 0; done < words; ) {
            int n = Math.min(batch.length, words - done);
            boolean any = false;
            for (int i = 0; i < n; i++) {
                long w = first + done + i;
                ByteBuffer buf = buffer(w);
                int at = index(w);
                long v = (long) WORD.getOpaque(buf, at);
                if (v != 0) {
                    v = (long) WORD.getAndSet(buf, at, 0L);
                    any = true;
                }
                batch[i] = v;
                taken += Long.bitCount(v);
            }
            if (any) {
                into.orWords(done, batch, 0, n);
            }
            done += n;
        }
        return taken;
    }

    /** Clears every bit (each non-zero word with an atomic get-and-set). */
    public void clear() {
        for (long w = 0; w < wordCount; w++) {
            ByteBuffer buf = buffer(w);
            int at = index(w);
            if ((long) WORD.getOpaque(buf, at) != 0) {
                WORD.getAndSet(buf, at, 0L);
            }
        }
    }

    /** Whether page {@code page} of block {@code block} is marked (reads, clears nothing). */
    public boolean isDirty(int block, long page) {
        long bit = (ram.blockFileOffset(block) >>> ram.pageShift()) + page;
        return ((long) WORD.getOpaque(buffer(bit >>> 6), index(bit >>> 6)) & (1L << bit)) != 0;
    }

    /** Marked pages of block {@code block}, counted without clearing them. */
    public long countDirty(int block) {
        long first = firstWord(block);
        long n = 0;
        for (int i = 0; i < blockWords(block); i++) {
            n += Long.bitCount((long) WORD.getOpaque(buffer(first + i), index(first + i)));
        }
        return n;
    }

    private ByteBuffer buffer(long word) {
        return map.chunk((int) ((HEADER_BYTES + (word << 3)) >>> SharedMapping.CHUNK_SHIFT));
    }

    private static int index(long word) {
        return (int) ((HEADER_BYTES + (word << 3)) & (SharedMapping.CHUNK_BYTES - 1));
    }

    private void writeHeader() {
        ByteBuffer h = map.chunk(0);
        h.putLong(8, ((long) ram.pageSize() << 32) | VERSION);
        h.putInt(16, ram.blockCount());
        h.putLong(24, wordCount);
        for (int b = 0; b < ram.blockCount(); b++) {
            h.putLong(BLOCK_TABLE + b * BLOCK_ENTRY, ram.blockSize(b) / ram.pageSize());
            h.putLong(BLOCK_TABLE + b * BLOCK_ENTRY + 8, firstWord(b));
        }
        // the magic last: a reader that sees it sees a complete header
        VarHandle.releaseFence();
        WORD.setRelease(h, 0, MAGIC);
    }

    private void checkHeader(Path path) throws IOException {
        ByteBuffer h = map.chunk(0);
        boolean ok = (long) WORD.getAcquire(h, 0) == MAGIC
                && h.getInt(8) == VERSION && h.getInt(12) == ram.pageSize()
                && h.getInt(16) == ram.blockCount() && h.getLong(24) == wordCount;
        for (int b = 0; ok && b < ram.blockCount(); b++) {
            ok = h.getLong(BLOCK_TABLE + b * BLOCK_ENTRY) == ram.blockSize(b) / ram.pageSize()
                    && h.getLong(BLOCK_TABLE + b * BLOCK_ENTRY + 8) == firstWord(b);
        }
        if (!ok) {
            throw new IOException(path + " is not a dirty log for this guest's layout");
        }
    }

    /** Unmaps and closes the file; the file itself stays. */
    @Override
    public void close() {
        map.close();
        file.close();
    }
}
