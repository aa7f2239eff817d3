package io.pagehint.engine.memory;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.vm.DirtyLog;

/** The pages still to send, one bitmap per RAM block by page offset, like QEMU's RAMBlock bmap. */
public final class MigrationBitmap {

    private final PageBitmap[] blocks;

    public MigrationBitmap(GuestMemoryLayout layout) {
        blocks = new PageBitmap[layout.blocks().size()];
        for (RamBlock b : layout.blocks()) {
            blocks[b.index()] = new PageBitmap(b.pages(layout.guestPageSize()));
        }
    }

    public int blockCount() {
        return blocks.length;
    }

    public PageBitmap block(int index) {
        return blocks[index];
    }

    /** Marks every page: the first, bulk round sends all of RAM. */
    public void setAll() {
        for (PageBitmap b : blocks) {
            b.setAll();
        }
    }

    /** Moves every dirty page of the log into the bitmap; returns how many the log held. */
    public long harvest(DirtyLog log) {
        long dirty = 0;
        for (int i = 0; i < blocks.length; i++) {
            dirty += log.harvest(i, blocks[i]);
        }
        return dirty;
    }

    /** Pages left to send. */
    public long remaining() {
        long n = 0;
        for (PageBitmap b : blocks) {
            n += b.cardinality();
        }
        return n;
    }
}
