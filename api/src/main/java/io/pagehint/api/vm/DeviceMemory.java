package io.pagehint.api.vm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Guest-physical memory as a device model sees it (DMA): read and write by guest-physical
 * address, little-endian, with the ordering a virtqueue needs between the device and a driver in
 * another process. Every write marks the written pages in the dirty log, as a VMM does for device
 * writes. An address range that is not guest RAM gets a {@link BadGuestAddressException}, never
 * an access outside guest RAM.
 */
@ConsumerType
public interface DeviceMemory {

    /** Whether {@code [gpa, gpa + length)} is guest RAM, without overflow. */
    boolean isRam(long gpa, long length);

    byte readByte(long gpa);

    short readShort(long gpa);

    int readInt(long gpa);

    long readLong(long gpa);

    /** Reads a 16-bit value with acquire semantics: later reads see what the writer wrote before it. */
    short readShortAcquire(long gpa);

    void readBytes(long gpa, byte[] dst, int off, int len);

    void writeShort(long gpa, short value);

    void writeInt(long gpa, int value);

    void writeLong(long gpa, long value);

    /** Writes a 16-bit value with release semantics: a reader that sees it sees every earlier write. */
    void writeShortRelease(long gpa, short value);

    void writeBytes(long gpa, byte[] src, int off, int len);

    /** A full fence between earlier and later accesses. */
    void fullFence();
}
