package io.pagehint.reference.ram;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * RAM that a migration fills before any guest runs on it: a fresh sparse RAM file with writable
 * views, positional writes (how the destination puts received pages in) and a discard that
 * punches holes. No guest runs here, so no write path and no dirty log: when the guest is started on this
 * RAM, it gets a {@link GuestPhysicalMemory} like any other.
 */
public final class IncomingRam implements AutoCloseable {

    private final RamFileLayout ram;
    private final SharedFile file;
    private final SharedMapping map;
    private final FileChannel writer;

    private IncomingRam(RamFileLayout ram, SharedFile file, SharedMapping map, FileChannel writer) {
        this.ram = ram;
        this.file = file;
        this.map = map;
        this.writer = writer;
    }

    /** Creates {@code ramFile} (must not exist) for {@code layout}: it reads as zeros and holds no memory. */
    public static IncomingRam create(Path ramFile, GuestMemoryLayout layout) throws IOException {
        RamFileLayout ram = new RamFileLayout(layout);
        SharedFile f = SharedFile.create(ramFile, ram.fileBytes());
        SharedMapping map = null;
        try {
            map = f.map(0, ram.fileBytes(), true);
            return new IncomingRam(ram, f, map, FileChannel.open(ramFile, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            if (map != null) {
                map.close();
            }
            f.close();
            Files.deleteIfExists(ramFile);
            throw e;
        }
    }

    public RamFileLayout ramLayout() {
        return ram;
    }

    public Path path() {
        return file.path();
    }

    /** A writable buffer over {@code [offset, offset + length)} of block {@code block} (at most 1 GiB). */
    public ByteBuffer writableView(int block, long offset, int length) {
        return map.view(ram.blockRangeFileOffset(block, offset, length), length, true);
    }

    /**
     * Writes what {@code src} holds into {@code [offset, offset + src.remaining())} of block
     * {@code block} with {@code pwrite}: tmpfs allocates a page that holds no memory yet inside the
     * system call (mm/shmem.c, {@code shmem_write_begin}), which is cheaper than the page fault per
     * page that a store through the mapping takes (measured in docs/PERFORMANCE.md). The mapping
     * sees the same pages.
     */
    public void write(int block, long offset, ByteBuffer src) throws IOException {
        long fo = ram.blockRangeFileOffset(block, offset, src.remaining());
        while (src.hasRemaining()) {
            fo += writer.write(src, fo);
        }
    }

    /** Makes {@code [offset, offset + length)} of block {@code block} read as zeros and hold no memory. */
    public void discard(int block, long offset, long length) throws IOException {
        long fo = ram.blockRangeFileOffset(block, offset, length);
        if (length > 0) {
            file.punchHole(fo, length);
        }
    }

    @Override
    public void close() {
        map.close();
        try {
            writer.close();
        } catch (IOException ignored) {
            // nothing was buffered: every write went to the file when it was made
        }
        file.close();
    }
}
