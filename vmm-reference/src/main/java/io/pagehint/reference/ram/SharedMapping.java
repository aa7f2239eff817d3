package io.pagehint.reference.ram;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code MAP_SHARED} mapping of a file, seen through direct buffers of at most
 * {@link #CHUNK_BYTES} each (a {@link ByteBuffer} indexes with an int). Another process that maps
 * the same file sees the same pages.
 *
 * <p><b>Closing.</b> {@link #close()} drops the file's pages from this process at once, but not
 * with a bare {@code munmap}: buffers handed out earlier may still be referenced, and touching an
 * unmapped address would kill the JVM. Instead the range is replaced, in one {@code mmap} with
 * {@code MAP_FIXED}, by a private anonymous mapping: the file's pages leave the process
 * immediately, and a stale buffer reads zeros (and writes private memory) instead of crashing.
 * The address range itself is kept reserved for the life of the process.
 */
final class SharedMapping implements AutoCloseable {

    static final int CHUNK_SHIFT = 30;
    /** Bytes per chunk buffer: 1 GiB. */
    static final long CHUNK_BYTES = 1L << CHUNK_SHIFT;

    private final Pointer base;
    private final long length;
    private final boolean writable;
    private final ByteBuffer[] chunks;
    private volatile boolean closed;

    private SharedMapping(Pointer base, long length, boolean writable) {
        this.base = base;
        this.length = length;
        this.writable = writable;
        this.chunks = new ByteBuffer[(int) ((length + CHUNK_BYTES - 1) >>> CHUNK_SHIFT)];
        for (int k = 0; k < chunks.length; k++) {
            long off = (long) k << CHUNK_SHIFT;
            ByteBuffer b = base.getByteBuffer(off, Math.min(CHUNK_BYTES, length - off)).order(ByteOrder.LITTLE_ENDIAN);
            chunks[k] = writable ? b : b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Maps {@code [offset, offset + length)} of the open file {@code fd}. */
    static SharedMapping map(int fd, long offset, long length, boolean writable, String what) throws IOException {
        if (length <= 0) {
            throw new IllegalArgumentException("nothing to map: " + length + " bytes of " + what);
        }
        int prot = Posix.PROT_READ | (writable ? Posix.PROT_WRITE : 0);
        try {
            Pointer p = Posix.mmap(null, length, prot, Posix.MAP_SHARED, fd, offset);
            return new SharedMapping(p, length, writable);
        } catch (LastErrorException e) {
            throw Posix.failure("mmap", what, e);
        }
    }

    long length() {
        return length;
    }

    boolean writable() {
        return writable;
    }

    /** The chunk buffer holding byte {@code offset} (position and limit untouched; index with absolute methods). */
    ByteBuffer chunk(int k) {
        return chunks[k];
    }

    /**
     * A new buffer over {@code [offset, offset + len)} (any offset, up to {@link #CHUNK_BYTES}),
     * little-endian, position 0; read-only unless {@code writableView}.
     *
     * @throws IllegalStateException once the mapping is closed, or for a writable view of a read-only mapping
     */
    ByteBuffer view(long offset, int len, boolean writableView) {
        if (len < 0 || len > CHUNK_BYTES || offset < 0 || offset > length - len) {
            throw new IndexOutOfBoundsException("view " + offset + "+" + len + " outside a mapping of " + length + " bytes");
        }
        if (writableView && !writable) {
            throw new IllegalStateException("read-only mapping");
        }
        if (closed) {
            throw new IllegalStateException("the mapping is closed");
        }
        ByteBuffer b = base.getByteBuffer(offset, len).order(ByteOrder.LITTLE_ENDIAN);
        return writableView ? b : b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Sets bit 0 of {@code resident[i]} when kernel page {@code i} of {@code [offset, offset + length)}
     * is in the file's page cache ({@code mincore}): it holds memory. {@code offset} must be a
     * multiple of the kernel's page size ({@link Posix#pageSize()}), and {@code resident} must have a
     * byte for every kernel page of the range. Touches no page. A page not in the cache is a hole
     * of the file or swapped out.
     */
    void residency(long offset, long length, byte[] resident) throws IOException {
        long page = Posix.pageSize();
        if (offset < 0 || length < 0 || offset > this.length - length || offset % page != 0) {
            throw new IndexOutOfBoundsException("residency of " + offset + "+" + length + " outside a mapping of "
                    + this.length + " bytes or not page aligned");
        }
        if ((length + page - 1) / page > resident.length) {
            throw new IllegalArgumentException(length + " bytes are more pages than " + resident.length);
        }
        if (closed) {
            throw new IllegalStateException("the mapping is closed");
        }
        try {
            Posix.mincore(base.share(offset), length, resident);
        } catch (LastErrorException e) {
            throw Posix.failure("mincore", "a RAM mapping", e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Drops the file's pages from this process (see the class comment). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Posix.mmap(base, length, Posix.PROT_READ | Posix.PROT_WRITE,
                    Posix.MAP_PRIVATE | Posix.MAP_ANONYMOUS | Posix.MAP_FIXED | Posix.MAP_NORESERVE, -1, 0);
        } catch (LastErrorException e) {
            // Cannot happen for a range we own; if it did, leaving the file mapped is the safe failure.
            throw new IllegalStateException("could not retire a mapping: errno " + e.getErrorCode(), e);
        }
    }
}
