package io.pagehint.reference.ram;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * The few Linux system calls the guest's RAM needs, bound with JNA direct mapping. The constants
 * are those of the Linux generic and x86_64 ABIs (asm-generic/fcntl.h, asm-generic/mman-common.h,
 * linux/falloc.h, linux/fs.h for SEEK_DATA/SEEK_HOLE); x86_64 and aarch64 share them.
 */
final class Posix {

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_CLOEXEC = 02000000;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_PRIVATE = 2;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;

    /** Frees the pages of a shared mapping's range and their backing (tmpfs: punches a hole). */
    static final int MADV_REMOVE = 9;

    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;

    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;

    static final int ENXIO = 6;

    /** sysconf name of the page size (glibc, Linux: x86_64 and aarch64 alike). */
    static final int SC_PAGESIZE = 30;

    static {
        Native.register(Posix.class, "c");
    }

    private Posix() {
    }

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(Pointer addr, long length) throws LastErrorException;

    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    /**
     * Bit 0 of {@code vec[i]}: whether page i of {@code [addr, addr + length)} is in memory
     * (mm/mincore.c). Pages are the kernel's ({@link #pageSize()}), not the guest's; {@code addr}
     * must be aligned to one and {@code vec} must hold a byte for each, or the call writes past it.
     */
    static native int mincore(Pointer addr, long length, byte[] vec) throws LastErrorException;

    static native long sysconf(int name) throws LastErrorException;

    private static final long PAGE_SIZE = sysconf(SC_PAGESIZE);

    /** The kernel's page size: the unit of mmap offsets and of mincore. */
    static long pageSize() {
        return PAGE_SIZE;
    }

    /** Turns a failed call into an IOException that names it. */
    static IOException failure(String call, String what, LastErrorException e) {
        return new IOException(call + " " + what + ": errno " + e.getErrorCode() + " (" + e.getMessage() + ")", e);
    }
}
