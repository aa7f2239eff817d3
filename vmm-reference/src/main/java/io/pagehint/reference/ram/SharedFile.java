package io.pagehint.reference.ram;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An open file descriptor of a shared-memory file (tmpfs, /dev/shm), created sparse and private
 * to its owner (mode 0600, {@code O_EXCL} so an existing file is never taken over by accident).
 */
final class SharedFile implements AutoCloseable {

    private final Path path;
    private final int fd;
    private final boolean writable;
    private final long size;
    private boolean closed;

    private SharedFile(Path path, int fd, boolean writable, long size) {
        this.path = path;
        this.fd = fd;
        this.writable = writable;
        this.size = size;
    }

    /** Creates {@code path} with {@code size} bytes that hold no memory (ftruncate: one big hole). */
    static SharedFile create(Path path, long size) throws IOException {
        int fd;
        try {
            fd = Posix.open(path.toString(), Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL | Posix.O_CLOEXEC, 0600);
        } catch (LastErrorException e) {
            throw Posix.failure("open", path.toString(), e);
        }
        try {
            Posix.ftruncate(fd, size);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            Files.deleteIfExists(path);
            throw Posix.failure("ftruncate", path.toString(), e);
        }
        return new SharedFile(path, fd, true, size);
    }

    /** Opens an existing file; its size must be {@code expectedSize}. */
    static SharedFile open(Path path, boolean writable, long expectedSize) throws IOException {
        long size = Files.size(path);
        if (size != expectedSize) {
            throw new IOException(path + " holds " + size + " bytes, the layout needs " + expectedSize);
        }
        int fd;
        try {
            fd = Posix.open(path.toString(), (writable ? Posix.O_RDWR : Posix.O_RDONLY) | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw Posix.failure("open", path.toString(), e);
        }
        return new SharedFile(path, fd, writable, size);
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    SharedMapping map(long offset, long length, boolean writableMapping) throws IOException {
        if (writableMapping && !writable) {
            throw new IllegalStateException(path + " was opened read-only");
        }
        return SharedMapping.map(fd, offset, length, writableMapping, path.toString());
    }

    /** Frees {@code [offset, offset + length)}: it holds no memory and reads as zeros afterwards. */
    void punchHole(long offset, long length) throws IOException {
        try {
            Posix.fallocate(fd, Posix.FALLOC_FL_PUNCH_HOLE | Posix.FALLOC_FL_KEEP_SIZE, offset, length);
        } catch (LastErrorException e) {
            throw Posix.failure("fallocate(PUNCH_HOLE)", path.toString(), e);
        }
    }

    /**
     * The first offset at or after {@code from} that holds data ({@code whence} SEEK_DATA) or is a
     * hole (SEEK_HOLE); {@link #size()} when there is none.
     */
    long seek(long from, int whence) throws IOException {
        if (from >= size) {
            return size;
        }
        try {
            return Posix.lseek(fd, from, whence);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.ENXIO) {
                return size; // SEEK_DATA past the last data
            }
            throw Posix.failure("lseek", path.toString(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(fd);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do: the descriptor is gone either way
        }
    }
}
