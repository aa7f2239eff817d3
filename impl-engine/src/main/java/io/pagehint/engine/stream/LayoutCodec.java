package io.pagehint.engine.stream;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The body of a LAYOUT record (docs/STREAM.md 2.1). */
public final class LayoutCodec {

    private LayoutCodec() {
    }

    public static ByteBuffer encode(GuestMemoryLayout layout) {
        ByteBuffer b = ByteBuffer.allocate(StreamFormat.MAX_LAYOUT_BODY);
        Wire.putString(b, layout.arch());
        Wire.putString(b, layout.machine());
        b.putInt(layout.guestPageSize());
        b.putShort((short) layout.blocks().size());
        for (RamBlock block : layout.blocks()) {
            Wire.putString(b, block.name());
            b.putLong(block.size());
            b.putLong(block.hostPageSize());
            b.putShort((short) block.ranges().size());
            for (RamRange r : block.ranges()) {
                b.putLong(r.guestPhysAddr());
                b.putLong(r.length());
                b.putLong(r.blockOffset());
            }
        }
        b.putShort((short) layout.reserved().size());
        for (ReservedRange r : layout.reserved()) {
            b.putLong(r.guestPhysAddr());
            b.putLong(r.length());
            Wire.putString(b, r.description());
        }
        return b.flip();
    }

    public static GuestMemoryLayout decode(ByteBuffer b) throws StreamFormatException {
        String arch = Wire.getString(b, "arch");
        String machine = Wire.getString(b, "machine");
        long pageSize = Wire.u32(b, "guestPageSize");
        if (pageSize == 0 || Long.bitCount(pageSize) != 1 || pageSize > (1 << 24)) {
            throw new StreamFormatException("guest page size " + pageSize + " is not a power of two up to 16 MiB");
        }
        int blockCount = Wire.u16(b, "blockCount");
        if (blockCount < 1 || blockCount > StreamFormat.MAX_BLOCKS) {
            throw new StreamFormatException("block count " + blockCount + " outside 1.." + StreamFormat.MAX_BLOCKS);
        }
        List<RamBlock> blocks = new ArrayList<>(blockCount);
        for (int i = 0; i < blockCount; i++) {
            String name = Wire.getString(b, "block name");
            long size = Wire.u64(b, "block size");
            long hostPageSize = Wire.u64(b, "host page size");
            int rangeCount = Wire.u16(b, "rangeCount");
            if (rangeCount > StreamFormat.MAX_RANGES_PER_BLOCK) {
                throw new StreamFormatException("block " + name + " has " + rangeCount + " ranges, more than "
                        + StreamFormat.MAX_RANGES_PER_BLOCK);
            }
            List<RamRange> ranges = new ArrayList<>(rangeCount);
            for (int r = 0; r < rangeCount; r++) {
                long gpa = Wire.u64(b, "range address");
                long len = Wire.u64(b, "range length");
                long off = Wire.u64(b, "range offset");
                ranges.add(checked(() -> new RamRange(gpa, len, off)));
            }
            int index = i;
            blocks.add(checked(() -> new RamBlock(index, name, size, hostPageSize, ranges)));
        }
        int reservedCount = Wire.u16(b, "reservedCount");
        if (reservedCount > StreamFormat.MAX_RESERVED) {
            throw new StreamFormatException(reservedCount + " reserved ranges, more than " + StreamFormat.MAX_RESERVED);
        }
        List<ReservedRange> reserved = new ArrayList<>(reservedCount);
        for (int r = 0; r < reservedCount; r++) {
            long gpa = Wire.u64(b, "reserved address");
            long len = Wire.u64(b, "reserved length");
            String description = Wire.getString(b, "reserved description");
            reserved.add(checked(() -> new ReservedRange(gpa, len, description)));
        }
        Wire.expectEnd(b, "LAYOUT");
        return checked(() -> new GuestMemoryLayout(arch, machine, (int) pageSize, blocks, reserved));
    }

    /** The first field in which two layouts differ, or null if they are equal. */
    public static String firstDifference(GuestMemoryLayout expected, GuestMemoryLayout got) {
        if (!expected.arch().equals(got.arch()) || !expected.machine().equals(got.machine())) {
            return "machine " + got.arch() + "/" + got.machine() + " is not " + expected.arch() + "/" + expected.machine();
        }
        if (expected.guestPageSize() != got.guestPageSize()) {
            return "guest page size " + got.guestPageSize() + " is not " + expected.guestPageSize();
        }
        if (expected.blocks().size() != got.blocks().size()) {
            return got.blocks().size() + " RAM blocks, expected " + expected.blocks().size();
        }
        for (int i = 0; i < expected.blocks().size(); i++) {
            if (!expected.blocks().get(i).equals(got.blocks().get(i))) {
                return "RAM block " + i + " is " + got.blocks().get(i) + ", expected " + expected.blocks().get(i);
            }
        }
        if (!expected.reserved().equals(got.reserved())) {
            return "reserved ranges differ";
        }
        return null;
    }

    private interface Make<T> {
        T make();
    }

    private static <T> T checked(Make<T> m) throws StreamFormatException {
        try {
            return m.make();
        } catch (IllegalArgumentException e) {
            throw new StreamFormatException("impossible layout: " + e.getMessage());
        }
    }
}
