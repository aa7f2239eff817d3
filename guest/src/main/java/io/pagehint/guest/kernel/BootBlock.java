package io.pagehint.guest.kernel;

import io.pagehint.reference.ram.Region;

/**
 * The boot block: the first page of the kernel area at {@link KernelGeometry#bootGpa()}, from
 * which everything else of the kernel is found. Field offsets (little-endian) are constants here
 * and listed in docs/GUEST.md. The magic is written last at boot, so a RAM image with the magic
 * holds a kernel that finished booting.
 */
final class BootBlock {

    /** "PHKERN01" as a little-endian long. */
    static final long MAGIC = 0x31304E52454B4850L;
    /**
     * 2: the highest buddy order depends on the page size and is recorded; zone headers grew to hold 16 orders.
     * 3: the word after the flags records the free pages' fill redundantly (it was the poison byte, always 0xAA),
     * so a changed flag no longer hides what the self-check must look for.
     */
    static final int VERSION = 3;

    static final int MAGIC_OFF = 0x000;
    static final int VERSION_OFF = 0x008;
    static final int PAGE_SIZE_OFF = 0x00C;
    static final int FLAGS_OFF = 0x010;
    /**
     * What every free page holds, repeating the flags on purpose: {@code 0x100 | byte} when free pages
     * hold a known byte (0x1AA with page poisoning, 0x100 with init-on-free), 0 when they keep
     * whatever was last written. Must agree with the flags.
     */
    static final int FREE_FILL_OFF = 0x014;
    static final int FINGERPRINT_OFF = 0x018;
    static final int TOTAL_PAGES_OFF = 0x020;
    static final int PFN_LIMIT_OFF = 0x028;
    static final int MEMMAP_GPA_OFF = 0x030;
    static final int MEMMAP_BYTES_OFF = 0x038;
    static final int KEPT_GPA_OFF = 0x040;
    static final int KEPT_BYTES_OFF = 0x048;
    static final int DISK_GPA_OFF = 0x050;
    static final int DISK_PAGES_OFF = 0x058;
    static final int PAGES_PER_FILE_OFF = 0x060;
    /** The highest buddy order (u32): 10, 11 or 13 by page size. */
    static final int MAX_ORDER_OFF = 0x064;
    static final int KERNEL_AREA_PAGES_OFF = 0x068;

    /** Page-cache header: LRU head and tail (u32 each), cached pages, dirty pages. */
    static final int LRU_OFF = 0x080;
    static final int CACHED_PAGES_OFF = 0x088;
    static final int DIRTY_PAGES_OFF = 0x090;
    /** The virtio free-page queue, as its driver recorded it: descriptor table (0: no queue), rings, command-id slots, size. */
    static final int HINT_QUEUE_DESC_OFF = 0x098;
    static final int HINT_QUEUE_AVAIL_OFF = 0x0A0;
    static final int HINT_QUEUE_USED_OFF = 0x0A8;
    static final int HINT_QUEUE_SLOTS_OFF = 0x0B0;
    static final int HINT_QUEUE_SIZE_OFF = 0x0B8;

    /** Zone headers, {@link #ZONE_BYTES} each. */
    static final int ZONES_OFF = 0x100;
    static final int ZONE_BYTES = 0x200;
    static final int ZONE_START_PFN = 0x00;
    static final int ZONE_END_PFN = 0x08;
    static final int ZONE_MANAGED = 0x10;
    static final int ZONE_FREE = 0x18;
    static final int ZONE_MIN_FREE = 0x20;
    /** u32 list heads, orders 0..{@link KernelGeometry#MAX_SUPPORTED_ORDER}; those above the page size's highest order are unused (0). */
    static final int ZONE_HEADS = 0x40;
    /** u64 free-block counts, orders 0..{@link KernelGeometry#MAX_SUPPORTED_ORDER}. */
    static final int ZONE_COUNTS = 0x80;
    /** u64 pages in each page state (indexed by state; TAIL unused, FREE unused: see ZONE_FREE). */
    static final int ZONE_STATE_PAGES = 0x100;

    static final int FLAG_INIT_ON_ALLOC = 1;
    static final int FLAG_INIT_ON_FREE = 2;
    static final int FLAG_PAGE_POISON = 4;
    static final int FLAG_KEPT_BITMAP = 8;

    private final Region r;

    BootBlock(Region region) {
        this.r = region;
    }

    Region region() {
        return r;
    }

    long readLong(int off) {
        return r.readLong(off);
    }

    int readInt(int off) {
        return r.readInt(off);
    }

    void writeLong(int off, long v) {
        r.writeLong(off, v);
    }

    void writeInt(int off, int v) {
        r.writeInt(off, v);
    }

    static int zoneOff(int zone, int field) {
        return ZONES_OFF + zone * ZONE_BYTES + field;
    }
}
