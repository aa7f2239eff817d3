package io.pagehint.guest.ram;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A read-only mapping of a guest's RAM file: what a host reads (and sends) and what the self-check
 * walks. It cannot write, so it needs no dirty log.
 */
public final class RamImage extends PhysicalReader {

    private final SharedFile file;

    private RamImage(RamFileLayout ram, SharedFile file, SharedMapping map) {
        super(ram, map);
        this.file = file;
    }

    /** Maps {@code ramFile} read-only; its size must be the one {@code layout} gives. */
    public static RamImage open(Path ramFile, GuestMemoryLayout layout) throws IOException {
        RamFileLayout ram = new RamFileLayout(layout);
        SharedFile f = SharedFile.open(ramFile, false, ram.fileBytes());
        try {
            return new RamImage(ram, f, f.map(0, ram.fileBytes(), false));
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Sets in {@code into} (indexed by page offset in block {@code block}) every page of
     * {@code [fromPage, toPage)} that lies wholly in a hole of the RAM file: it has never been
     * written (or was discarded), holds no memory and reads as zeros. Found with
     * {@code lseek(SEEK_DATA/SEEK_HOLE)}, which tmpfs answers from its page index
     * (mm/shmem.c, {@code shmem_file_llseek}) without touching, and so without allocating, the
     * pages; reading them through the mapping instead would allocate each one.
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
        long end = base + (toPage << shift);
        long at = base + (fromPage << shift);
        long marked = 0;
        while (at < end) {
            long hole = file.seek(at, Posix.SEEK_HOLE);
            if (hole >= end) {
                break;
            }
            long data = Math.min(end, file.seek(hole, Posix.SEEK_DATA));
            // whole pages inside [hole, data)
            long first = (hole - base + (1L << shift) - 1) >>> shift;
            long last = (data - base) >>> shift;
            if (first < last) {
                into.setRange(first, last);
                marked += last - first;
            }
            at = data;
        }
        return marked;
    }

    @Override
    public void close() {
        map.close();
        file.close();
    }
}
