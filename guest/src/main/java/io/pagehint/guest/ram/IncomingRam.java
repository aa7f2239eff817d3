package io.pagehint.guest.ram;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RAM that a migration fills before any guest runs on it: a fresh sparse RAM file with writable
 * views (the destination writes received pages straight into them) and a discard that punches
 * holes. No guest runs here, so no write path and no dirty log: when the guest is started on this
 * RAM, it gets a {@link GuestPhysicalMemory} like any other.
 */
public final class IncomingRam implements AutoCloseable {

    private final RamFileLayout ram;
    private final SharedFile file;
    private final SharedMapping map;

    private IncomingRam(RamFileLayout ram, SharedFile file, SharedMapping map) {
        this.ram = ram;
        this.file = file;
        this.map = map;
    }

    /** Creates {@code ramFile} (must not exist) for {@code layout}: it reads as zeros and holds no memory. */
    public static IncomingRam create(Path ramFile, GuestMemoryLayout layout) throws IOException {
        RamFileLayout ram = new RamFileLayout(layout);
        SharedFile f = SharedFile.create(ramFile, ram.fileBytes());
        try {
            return new IncomingRam(ram, f, f.map(0, ram.fileBytes(), true));
        } catch (IOException | RuntimeException e) {
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
        file.close();
    }
}
