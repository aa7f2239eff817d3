package io.pagehint.engine.toy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Guest RAM in direct buffers, one per block, with the PFN to (block, page) translation. */
public final class ToyMemory {

    final GuestMemoryLayout layout;
    final ByteBuffer[] blocks;
    final int pageSize;

    public ToyMemory(GuestMemoryLayout layout) {
        this.layout = layout;
        this.pageSize = layout.guestPageSize();
        this.blocks = new ByteBuffer[layout.blocks().size()];
        for (RamBlock b : layout.blocks()) {
            blocks[b.index()] = ByteBuffer.allocateDirect((int) b.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** {block, page} of a PFN, or null if the PFN is not RAM. */
    public long[] locate(long pfn) {
        long gpa = pfn * pageSize;
        for (RamBlock b : layout.blocks()) {
            for (RamRange r : b.ranges()) {
                if (r.containsGuestPhys(gpa)) {
                    return new long[] {b.index(), (r.blockOffset() + gpa - r.guestPhysAddr()) / pageSize};
                }
            }
        }
        return null;
    }

    public ByteBuffer page(int block, long page) {
        return blocks[block].slice((int) (page * pageSize), pageSize);
    }

    public ByteBuffer view(int block, long offset, int length) {
        return blocks[block].slice((int) offset, length);
    }
}
