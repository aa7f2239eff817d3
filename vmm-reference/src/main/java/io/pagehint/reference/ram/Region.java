package io.pagehint.reference.ram;

import java.util.Objects;

/**
 * A contiguous stretch of guest RAM (inside one RAM range) addressed by offset, with the
 * translation to the file done once: how the kernel model reaches its page-metadata array and
 * other tables at memory speed. Reads work on any {@link PhysicalReader}; writes only on
 * {@link GuestPhysicalMemory}, and they take its one write path (data, full fence, dirty bit).
 */
public final class Region {

    private final PhysicalReader owner;
    private final long gpa;
    private final long fileBase;
    private final long length;

    Region(PhysicalReader owner, long gpa, long fileBase, long length) {
        this.owner = owner;
        this.gpa = gpa;
        this.fileBase = fileBase;
        this.length = length;
    }

    /** Guest-physical address of offset 0. */
    public long gpa() {
        return gpa;
    }

    public long length() {
        return length;
    }

    public byte readByte(long offset) {
        long fo = at(offset, 1);
        return owner.chunk(fo).get(PhysicalReader.index(fo));
    }

    public int readInt(long offset) {
        return owner.loadInt(at(offset, 4));
    }

    public long readLong(long offset) {
        return owner.loadLong(at(offset, 8));
    }

    /**
     * Reads {@code n} 64-bit words from {@code offset} (8-byte aligned) into {@code dst[off..]},
     * each with one single load (never torn), in one tight loop.
     */
    public void readLongs(long offset, long[] dst, int off, int n) {
        Objects.checkFromIndexSize(off, n, dst.length);
        long fo = at(offset, (long) n << 3);
        if ((fo & 7) != 0) {
            throw new IllegalArgumentException("offset " + offset + " is not 8-byte aligned");
        }
        owner.loadLongs(fo, dst, off, n);
    }

    public void readBytes(long offset, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        owner.loadBytes(at(offset, len), dst, off, len);
    }

    public void writeByte(long offset, byte value) {
        writer().storeByte(at(offset, 1), value);
    }

    public void writeInt(long offset, int value) {
        writer().storeInt(at(offset, 4), value);
    }

    public void writeLong(long offset, long value) {
        writer().storeLong(at(offset, 8), value);
    }

    public void writeBytes(long offset, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        writer().storeBytes(at(offset, len), src, off, len);
    }

    /** Fills {@code [offset, offset + len)} with {@code value}. */
    public void fill(long offset, long len, byte value) {
        if (len > 0) {
            writer().storeFill(at(offset, len), len, value);
        }
    }

    private long at(long offset, long size) {
        Objects.checkFromIndexSize(offset, size, length);
        return fileBase + offset;
    }

    private GuestPhysicalMemory writer() {
        if (owner instanceof GuestPhysicalMemory g) {
            return g;
        }
        throw new IllegalStateException("a read-only mapping cannot be written");
    }
}
