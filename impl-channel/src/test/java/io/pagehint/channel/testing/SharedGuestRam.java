package io.pagehint.channel.testing;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.vm.BadGuestAddressException;
import io.pagehint.api.vm.DeviceMemory;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Guest RAM in a file mapped shared, as device models and guests in two processes see it: the RAM
 * blocks of a layout one after the other in the file, accessed by guest-physical address. The
 * 16-bit acquire and release accesses a virtqueue needs are real ones on the mapping, so two
 * processes that map the same file synchronise through them. For tests: at most 2 GiB of RAM.
 */
public final class SharedGuestRam implements DeviceMemory {

    private static final VarHandle SHORTS = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final GuestMemoryLayout layout;
    private final MappedByteBuffer map;
    private final long[] blockBase;

    private SharedGuestRam(GuestMemoryLayout layout, MappedByteBuffer map) {
        this.layout = layout;
        this.map = map;
        this.blockBase = new long[layout.blocks().size()];
        long at = 0;
        for (RamBlock b : layout.blocks()) {
            blockBase[b.index()] = at;
            at += b.size();
        }
    }

    /** Maps {@code file} (created sparse if it does not exist) as the RAM of {@code layout}. */
    public static SharedGuestRam map(Path file, GuestMemoryLayout layout) throws IOException {
        long size = layout.ramBytes();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("test RAM is limited to 2 GiB");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            m.order(ByteOrder.LITTLE_ENDIAN);
            return new SharedGuestRam(layout, m);
        }
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    /** The file offset of {@code [gpa, gpa + length)}, which must lie in one RAM range. */
    private int offset(long gpa, long length) {
        if (gpa >= 0 && length > 0 && gpa <= Long.MAX_VALUE - length) {
            for (RamBlock b : layout.blocks()) {
                for (RamRange r : b.ranges()) {
                    if (r.containsGuestPhys(gpa) && gpa + length <= r.guestPhysEnd()) {
                        return (int) (blockBase[b.index()] + r.blockOffset() + (gpa - r.guestPhysAddr()));
                    }
                }
            }
        }
        throw new BadGuestAddressException(gpa, length);
    }

    @Override
    public boolean isRam(long gpa, long length) {
        try {
            offset(gpa, length);
            return true;
        } catch (BadGuestAddressException e) {
            return false;
        }
    }

    @Override
    public byte readByte(long gpa) {
        return map.get(offset(gpa, 1));
    }

    @Override
    public short readShort(long gpa) {
        return map.getShort(offset(gpa, 2));
    }

    @Override
    public int readInt(long gpa) {
        return map.getInt(offset(gpa, 4));
    }

    @Override
    public long readLong(long gpa) {
        return map.getLong(offset(gpa, 8));
    }

    @Override
    public short readShortAcquire(long gpa) {
        return (short) SHORTS.getAcquire(map, offset(gpa, 2));
    }

    @Override
    public void readBytes(long gpa, byte[] dst, int off, int len) {
        map.get(offset(gpa, len), dst, off, len);
    }

    @Override
    public void writeShort(long gpa, short value) {
        map.putShort(offset(gpa, 2), value);
    }

    @Override
    public void writeInt(long gpa, int value) {
        map.putInt(offset(gpa, 4), value);
    }

    @Override
    public void writeLong(long gpa, long value) {
        map.putLong(offset(gpa, 8), value);
    }

    @Override
    public void writeShortRelease(long gpa, short value) {
        SHORTS.setRelease(map, offset(gpa, 2), value);
    }

    @Override
    public void writeBytes(long gpa, byte[] src, int off, int len) {
        map.put(offset(gpa, len), src, off, len);
    }

    @Override
    public void fullFence() {
        VarHandle.fullFence();
    }
}
