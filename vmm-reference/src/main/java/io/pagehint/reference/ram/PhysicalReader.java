package io.pagehint.reference.ram;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.BadGuestAddressException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Reads guest RAM by guest-physical address, little-endian, from a mapping of the RAM file.
 * Aligned reads of 2, 4 and 8 bytes are single loads (never torn), so a reader in another thread
 * or process sees each such value as some writer wrote it.
 *
 * <p>Two kinds exist: {@link GuestPhysicalMemory}, the guest's own memory with the one write
 * path, and {@link RamImage}, a read-only mapping for hosts and the self-check.
 */
public abstract sealed class PhysicalReader implements AutoCloseable permits GuestPhysicalMemory, RamImage {

    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    final RamFileLayout ram;
    final SharedFile file;
    final SharedMapping map;

    PhysicalReader(RamFileLayout ram, SharedFile file, SharedMapping map) {
        this.ram = ram;
        this.file = file;
        this.map = map;
    }

    public GuestMemoryLayout layout() {
        return ram.layout();
    }

    public RamFileLayout ramLayout() {
        return ram;
    }

    /** Whether {@code [gpa, gpa + length)} is RAM, inside one RAM range, without overflow. */
    public boolean isRam(long gpa, long length) {
        return length > 0 && ram.fileOffset(gpa, length) >= 0;
    }

    /** The file offset of {@code [gpa, gpa + length)}, or a {@link BadGuestAddressException}. */
    final long fileOffset(long gpa, long length) {
        long fo = ram.fileOffset(gpa, length);
        if (fo < 0 || length <= 0) {
            throw new BadGuestAddressException(gpa, length);
        }
        return fo;
    }

    final ByteBuffer chunk(long fo) {
        return map.chunk((int) (fo >>> SharedMapping.CHUNK_SHIFT));
    }

    static int index(long fo) {
        return (int) (fo & (SharedMapping.CHUNK_BYTES - 1));
    }

    public byte readByte(long gpa) {
        long fo = fileOffset(gpa, 1);
        return chunk(fo).get(index(fo));
    }

    public short readShort(long gpa) {
        return loadShort(fileOffset(gpa, 2));
    }

    public int readInt(long gpa) {
        return loadInt(fileOffset(gpa, 4));
    }

    public long readLong(long gpa) {
        return loadLong(fileOffset(gpa, 8));
    }

    /** A 16-bit read with acquire semantics ({@code gpa} must be 2-byte aligned). */
    public short readShortAcquire(long gpa) {
        long fo = fileOffset(gpa, 2);
        requireAligned(gpa, 2);
        return (short) SHORT.getAcquire(chunk(fo), index(fo));
    }

    public void readBytes(long gpa, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (len == 0) {
            return;
        }
        loadBytes(fileOffset(gpa, len), dst, off, len);
    }

    /**
     * A read-only buffer over {@code [offset, offset + length)} of RAM block {@code block}: guest
     * RAM itself, no copy, seeing writes as they happen.
     *
     * @throws IndexOutOfBoundsException outside the block or longer than 1 GiB
     */
    public ByteBuffer view(int block, long offset, int length) {
        return map.view(ram.blockRangeFileOffset(block, offset, length), length, false);
    }

    /** A read-only buffer over guest-physical {@code [gpa, gpa + length)} (one RAM range). */
    public ByteBuffer viewPhysical(long gpa, int length) {
        return map.view(fileOffset(gpa, length), length, false);
    }

    /** A fast accessor for a region that lies in one RAM range (the kernel's own tables). */
    public Region region(long gpa, long length) {
        return new Region(this, gpa, fileOffset(gpa, length), length);
    }

    /**
     * Sets in {@code into} (indexed by page offset in block {@code block}) every page of
     * {@code [fromPage, toPage)} that lies wholly in a hole of the RAM file: it has never been
     * written (or was discarded), holds no memory and reads as zeros. Found without touching, and
     * so without allocating, the pages (reading them through the mapping would allocate each one),
     * at a cost that grows with the range asked about, not with the memory around it:
     * <ul>
     *   <li>{@code lseek(SEEK_DATA)} from a page finds the next page that holds data; tmpfs answers
     *       from its page index, skipping empty stretches of it (mm/shmem.c {@code shmem_file_llseek},
     *       mm/filemap.c {@code mapping_seek_hole_data}). {@code SEEK_HOLE} is never used: from a
     *       page inside data it walks every page up to the next hole, however far that is;</li>
     *   <li>inside data, {@code mincore} says which pages of the range the file's page cache holds
     *       (mm/mincore.c, {@code mincore_page}) in one call per {@value #RESIDENCY_PAGES} pages.
     *       A page it does not hold is a hole or was swapped out; {@code SEEK_DATA} from it tells
     *       which, so a swapped-out page is never taken for a hole.</li>
     * </ul>
     *
     * @return how many pages it set
     */
    public long markHoles(int block, long fromPage, long toPage, PageBitmap into) throws IOException {
        int shift = ram.pageShift();
        long pages = ram.blockSize(block) >>> shift;
        if (fromPage < 0 || toPage > pages || fromPage > toPage) {
            throw new IndexOutOfBoundsException("pages [" + fromPage + ", " + toPage + ") outside block " + block);
        }
        long base = ram.blockFileOffset(block);
        long osPage = Posix.pageSize();
        long guestPage = 1L << shift;
        // a byte per kernel page of RESIDENCY_PAGES guest pages, and one more for a start that is not aligned
        byte[] resident = new byte[(int) (RESIDENCY_PAGES * Math.max(1, guestPage / osPage) + 2)];
        long marked = 0;
        long page = fromPage;
        while (page < toPage) {
            long dataPage = Math.min(toPage, nextDataPage(base, page, shift));
            if (dataPage > page) {
                into.setRange(page, dataPage);
                marked += dataPage - page;
                page = dataPage;
                continue;
            }
            // page holds data: ask the page cache about it and the pages after it in one call,
            // in kernel pages, which may be larger or smaller than the guest's
            long windowEnd = Math.min(toPage, page + RESIDENCY_PAGES);
            long from = base + (page << shift);
            long alignedFrom = from - from % osPage;
            map.residency(alignedFrom, base + (windowEnd << shift) - alignedFrom, resident);
            long at = page + 1;
            while (at < windowEnd) {
                if (anyResident(resident, base + (at << shift) - alignedFrom, guestPage, osPage)) {
                    at++;
                    continue;
                }
                // not in the page cache: a hole, unless it was swapped out
                long next = Math.min(toPage, nextDataPage(base, at, shift));
                if (next == at) {
                    at++;
                    continue;
                }
                into.setRange(at, next);
                marked += next - at;
                at = next;
            }
            page = at;
        }
        return marked;
    }

    /** Whether a kernel page under the guest page at {@code offset} (from the residency's start) is resident. */
    private static boolean anyResident(byte[] resident, long offset, long guestPage, long osPage) {
        for (long k = offset / osPage, last = (offset + guestPage - 1) / osPage; k <= last; k++) {
            if ((resident[(int) k] & 1) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Pages whose page-cache presence {@link #markHoles} asks about in one {@code mincore}. */
    static final int RESIDENCY_PAGES = 4096;

    /** The first page at or after {@code page} (of the block at file offset {@code base}) that holds data. */
    private long nextDataPage(long base, long page, int shift) throws IOException {
        long data = file.seek(base + (page << shift), Posix.SEEK_DATA);
        return (data - base) >>> shift;
    }

    /**
     * Whether guest-physical {@code [gpa, gpa + length)} (one RAM range) lies wholly in a hole of
     * the RAM file: it holds no memory and reads as zeros. Asked with one {@code lseek(SEEK_DATA)},
     * so it populates nothing.
     */
    public boolean isHole(long gpa, long length) throws IOException {
        long fo = fileOffset(gpa, length);
        return file.seek(fo, Posix.SEEK_DATA) >= fo + length;
    }

    // ------------------------------------------------------------ by file offset

    final short loadShort(long fo) {
        ByteBuffer b = chunk(fo);
        return (fo & 1) == 0 ? (short) SHORT.getOpaque(b, index(fo)) : b.getShort(index(fo));
    }

    final int loadInt(long fo) {
        ByteBuffer b = chunk(fo);
        return (fo & 3) == 0 ? (int) INT.getOpaque(b, index(fo)) : b.getInt(index(fo));
    }

    final long loadLong(long fo) {
        ByteBuffer b = chunk(fo);
        return (fo & 7) == 0 ? (long) LONG.getOpaque(b, index(fo)) : b.getLong(index(fo));
    }

    /** Aligned words, each a single load; the run may cross a chunk boundary. */
    final void loadLongs(long fo, long[] dst, int off, int n) {
        while (n > 0) {
            ByteBuffer b = chunk(fo);
            int at = index(fo);
            int k = (int) Math.min(n, (SharedMapping.CHUNK_BYTES - at) >>> 3);
            for (int i = 0; i < k; i++) {
                dst[off + i] = (long) LONG.getOpaque(b, at + (i << 3));
            }
            fo += (long) k << 3;
            off += k;
            n -= k;
        }
    }

    final void loadBytes(long fo, byte[] dst, int off, int len) {
        while (len > 0) {
            int at = index(fo);
            int n = (int) Math.min(len, SharedMapping.CHUNK_BYTES - at);
            chunk(fo).get(at, dst, off, n);
            fo += n;
            off += n;
            len -= n;
        }
    }

    static void requireAligned(long gpa, int size) {
        if ((gpa & (size - 1)) != 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(gpa) + " is not " + size + "-byte aligned");
        }
    }

    public boolean isClosed() {
        return map.isClosed();
    }

    /** Unmaps RAM and closes the file; the file itself stays. */
    @Override
    public void close() {
        map.close();
        file.close();
    }
}
