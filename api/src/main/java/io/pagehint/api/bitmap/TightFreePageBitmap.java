package io.pagehint.api.bitmap;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;

/**
 * Free pages by RAM offset: for each RAM block, bit {@code i} is set when guest page {@code i} of
 * the block may be skipped. Indexed exactly like the block's migration bitmap and dirty log, so
 * {@code migration.andNot(tight.block(b))} is the filter of section 5 of the design note. Only a
 * tightener writes it; it never marks a page in a reserved range or part of a host page.
 */
public final class TightFreePageBitmap {

    private final GuestMemoryLayout layout;
    private final PageBitmap[] blocks;

    public TightFreePageBitmap(GuestMemoryLayout layout) {
        this.layout = layout;
        this.blocks = new PageBitmap[layout.blocks().size()];
        for (RamBlock b : layout.blocks()) {
            blocks[b.index()] = new PageBitmap(b.pages(layout.guestPageSize()));
        }
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    /** The bitmap of block {@code index}, indexed by guest-page offset in the block. */
    public PageBitmap block(int index) {
        return blocks[index];
    }

    /** Set bits in all blocks. */
    public long cardinality() {
        long n = 0;
        for (PageBitmap b : blocks) {
            n += b.cardinality();
        }
        return n;
    }

    public void clearAll() {
        for (PageBitmap b : blocks) {
            b.clearAll();
        }
    }
}
