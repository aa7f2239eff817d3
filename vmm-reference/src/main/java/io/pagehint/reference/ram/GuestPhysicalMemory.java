package io.pagehint.reference.ram;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DeviceMemory;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Guest RAM with its one write path: the only object in the guest that can write guest RAM.
 * Writable buffers over the mapping never leave this package, so the kernel model, the vCPUs, the
 * drivers and a host's device model all write through here, and every write does, in this order:
 * <ol>
 *   <li>store the data;</li>
 *   <li>a full fence ({@link VarHandle#fullFence()});</li>
 *   <li>set the dirty-log bit of every page written, skipping the atomic OR where the bit is
 *       already set ({@link DirtyLogFile#mark}).</li>
 * </ol>
 * Why this order loses no write against a host that harvests concurrently (atomic get-and-clear
 * of each word, then reads the pages) is argued in docs/GUEST.md, "The write path". In short: the
 * bit is set only after the data is globally visible, so a harvest that takes the bit is followed
 * by a read that sees the data; and the fence keeps the read of the word (the "already set?"
 * test) from passing the data store, so a bit seen as set either is taken by a later harvest or was
 * set again after the last one.
 *
 * <p>Aligned 2-, 4- and 8-byte stores are single stores (never torn).
 */
public final class GuestPhysicalMemory extends PhysicalReader implements DeviceMemory {

    private static final byte[] ZEROS = new byte[64 * 1024];
    private static final byte[][] PATTERNS = new byte[256][];

    private final DirtyLogFile log;
    private final boolean ownsLog;

    private GuestPhysicalMemory(RamFileLayout ram, SharedFile file, SharedMapping map, DirtyLogFile log, boolean ownsLog) {
        super(ram, file, map);
        this.log = log;
        this.ownsLog = ownsLog;
    }

    /**
     * A new guest: creates the RAM file (sparse: it holds no memory until written) and the dirty
     * log next to nothing else, both mode 0600, and maps them. Neither file may exist yet.
     */
    public static GuestPhysicalMemory create(Path ramFile, Path dirtyLog, GuestMemoryLayout layout) throws IOException {
        RamFileLayout ram = new RamFileLayout(layout);
        SharedFile f = SharedFile.create(ramFile, ram.fileBytes());
        DirtyLogFile log = null;
        try {
            log = DirtyLogFile.create(dirtyLog, ram);
            return new GuestPhysicalMemory(ram, f, f.map(0, ram.fileBytes(), true), log, true);
        } catch (IOException | RuntimeException e) {
            f.close();
            Files.deleteIfExists(ramFile);
            if (log != null) {
                log.close();
                Files.deleteIfExists(dirtyLog);
            }
            throw e;
        }
    }

    /** Maps an existing guest's RAM file and dirty log (the files must match the layout). */
    public static GuestPhysicalMemory open(Path ramFile, Path dirtyLog, GuestMemoryLayout layout) throws IOException {
        RamFileLayout ram = new RamFileLayout(layout);
        DirtyLogFile log = DirtyLogFile.open(dirtyLog, ram);
        try {
            return open(ramFile, log, true);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /**
     * Takes up existing guest RAM to run a guest on it (a destination after migration): opens the
     * RAM file, and the dirty log if it exists, else creates a fresh one (mode 0600).
     */
    public static GuestPhysicalMemory attach(Path ramFile, Path dirtyLog, GuestMemoryLayout layout) throws IOException {
        if (Files.exists(dirtyLog)) {
            return open(ramFile, dirtyLog, layout);
        }
        DirtyLogFile log = DirtyLogFile.create(dirtyLog, new RamFileLayout(layout));
        try {
            return open(ramFile, log, true);
        } catch (IOException | RuntimeException e) {
            log.close();
            Files.deleteIfExists(dirtyLog);
            throw e;
        }
    }

    /**
     * Maps an existing guest's RAM file, marking writes in a dirty log the caller already holds
     * (a host's device model shares the log it harvests). Closing this leaves {@code log} open.
     */
    public static GuestPhysicalMemory open(Path ramFile, DirtyLogFile log) throws IOException {
        return open(ramFile, log, false);
    }

    private static GuestPhysicalMemory open(Path ramFile, DirtyLogFile log, boolean ownsLog) throws IOException {
        RamFileLayout ram = log.ramLayout();
        SharedFile f = SharedFile.open(ramFile, true, ram.fileBytes());
        try {
            return new GuestPhysicalMemory(ram, f, f.map(0, ram.fileBytes(), true), log, ownsLog);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The dirty log this memory marks. */
    public DirtyLogFile dirtyLog() {
        return log;
    }

    // ------------------------------------------------------------ the write path, by guest-physical address

    public void writeByte(long gpa, byte value) {
        storeByte(fileOffset(gpa, 1), value);
    }

    @Override
    public void writeShort(long gpa, short value) {
        long fo = fileOffset(gpa, 2);
        ByteBuffer b = chunk(fo);
        if ((fo & 1) == 0) {
            SHORT.setOpaque(b, index(fo), value);
        } else {
            b.putShort(index(fo), value);
        }
        logged(fo, 2);
    }

    @Override
    public void writeInt(long gpa, int value) {
        storeInt(fileOffset(gpa, 4), value);
    }

    @Override
    public void writeLong(long gpa, long value) {
        storeLong(fileOffset(gpa, 8), value);
    }

    @Override
    public void writeShortRelease(long gpa, short value) {
        long fo = fileOffset(gpa, 2);
        requireAligned(gpa, 2);
        SHORT.setRelease(chunk(fo), index(fo), value);
        logged(fo, 2);
    }

    @Override
    public void writeBytes(long gpa, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (len > 0) {
            storeBytes(fileOffset(gpa, len), src, off, len);
        }
    }

    /** Writes {@code src}'s remaining bytes at {@code gpa}; {@code src}'s position is left alone. */
    public void writeBytes(long gpa, ByteBuffer src) {
        int len = src.remaining();
        if (len == 0) {
            return;
        }
        long fo = fileOffset(gpa, len);
        int done = 0;
        while (done < len) {
            int at = index(fo + done);
            int n = (int) Math.min(len - done, SharedMapping.CHUNK_BYTES - at);
            chunk(fo + done).put(at, src, src.position() + done, n);
            done += n;
        }
        logged(fo, len);
    }

    /** Fills {@code [gpa, gpa + length)} with {@code value} (zeroing, page poisoning). */
    public void fill(long gpa, long length, byte value) {
        if (length > 0) {
            storeFill(fileOffset(gpa, length), length, value);
        }
    }

    @Override
    public void fullFence() {
        VarHandle.fullFence();
    }

    // ------------------------------------------------------------ by file offset (for Region)

    void storeByte(long fo, byte value) {
        chunk(fo).put(index(fo), value);
        logged(fo, 1);
    }

    void storeInt(long fo, int value) {
        ByteBuffer b = chunk(fo);
        if ((fo & 3) == 0) {
            INT.setOpaque(b, index(fo), value);
        } else {
            b.putInt(index(fo), value);
        }
        logged(fo, 4);
    }

    void storeLong(long fo, long value) {
        ByteBuffer b = chunk(fo);
        if ((fo & 7) == 0) {
            LONG.setOpaque(b, index(fo), value);
        } else {
            b.putLong(index(fo), value);
        }
        logged(fo, 8);
    }

    void storeBytes(long fo, byte[] src, int off, int len) {
        for (int done = 0; done < len; ) {
            int at = index(fo + done);
            int n = (int) Math.min(len - done, SharedMapping.CHUNK_BYTES - at);
            chunk(fo + done).put(at, src, off + done, n);
            done += n;
        }
        logged(fo, len);
    }

    void storeFill(long fo, long length, byte value) {
        byte[] pattern = value == 0 ? ZEROS : pattern(value);
        for (long done = 0; done < length; ) {
            int at = index(fo + done);
            int n = (int) Math.min(Math.min(length - done, pattern.length), SharedMapping.CHUNK_BYTES - at);
            chunk(fo + done).put(at, pattern, 0, n);
            done += n;
        }
        logged(fo, length);
    }

    /** Steps 2 and 3 of the write path: the data is stored; fence, then mark. */
    private void logged(long fo, long length) {
        VarHandle.fullFence();
        log.mark(fo, length);
    }

    private static byte[] pattern(byte value) {
        byte[] p = PATTERNS[value & 0xff];
        if (p == null) {
            // a benign race: two threads may each build the same constant array
            p = new byte[4096];
            Arrays.fill(p, value);
            PATTERNS[value & 0xff] = p;
        }
        return p;
    }

    /** Unmaps RAM (and the dirty log, if this opened it); the files stay. */
    @Override
    public void close() {
        super.close();
        if (ownsLog) {
            log.close();
        }
    }
}
