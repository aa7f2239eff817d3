package io.pagehint.guest.kernel;

import static io.pagehint.guest.kernel.KernelGeometry.ZONES;
import static io.pagehint.guest.kernel.MemMap.NIL;

import io.pagehint.reference.ram.PhysicalReader;
import io.pagehint.reference.ram.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest's self-check: proves from RAM alone that the kernel's state is whole. It reads the
 * kernel through any {@link PhysicalReader} (a paused guest's own memory, or a read-only mapping
 * of a RAM file on a destination) and trusts nothing it reads: every index is bounded, every walk
 * is bounded, so corrupt RAM gives problems, never an exception or a loop.
 *
 * <p>It checks that
 * <ul>
 *   <li>the boot block describes a kernel booted for this layout;</li>
 *   <li>every RAM page is in exactly one state: the head of a block (free, kernel, hint) or a page
 *       of its own (reserved, anonymous, page cache), or a tail of exactly one block, whose
 *       metadata is then all zero; blocks are aligned, in one zone, inside RAM; reserved pages and
 *       only they are RESERVED; the kernel's own area is KERNEL;</li>
 *   <li>the free lists hold exactly the free blocks: each once, of the right order and zone, with
 *       consistent back links, and with the counts of the zone headers;</li>
 *   <li>the page counts of the zone headers (free, and per state) are right;</li>
 *   <li>every used page whose content is known holds content matching its checksum;</li>
 *   <li>every page-cache page is on the LRU once, is found by the disk table, and holds its file's
 *       content at its version; a clean page's version is the one on disk;</li>
 *   <li>with page poisoning every free page holds the poison, with init-on-free zeros (a page that
 *       holds no memory reads as zeros);</li>
 *   <li>the kept free-page bitmap, when there is one, says free exactly for the free pages.</li>
 * </ul>
 */
public final class SelfCheck {

    /** Problems listed in a report; beyond that only counted. */
    public static final int MAX_PROBLEMS = 1000;

    private final PhysicalReader ram;
    private final List<String> problems = new ArrayList<>();
    private long mismatches;
    private long contentChecked;
    private KernelGeometry geo;
    private BootOptions options;
    private MemMap memmap;
    private Region boot;
    private Region disk;
    private long[] freeHead;
    private long[] cachePage;
    private long[] visited;
    private long[] freeByPfn;
    private final long[][] freeBlocks = new long[ZONES][KernelGeometry.MAX_SUPPORTED_ORDER + 1];
    private final long[] freePages = new long[ZONES];
    private final long[][] statePages = new long[ZONES][MemMap.STATES];
    private long cacheCount;
    private long dirtyCount;
    private byte[] page;
    private byte[] expected;

    private SelfCheck(PhysicalReader ram) {
        this.ram = ram;
    }

    /** Checks the kernel in {@code ram} (whose guest must not be running). */
    public static SelfCheckReport run(PhysicalReader ram) {
        long t0 = System.nanoTime();
        SelfCheck c = new SelfCheck(ram);
        long pages = c.check();
        long free = 0;
        long hint = 0;
        for (int z = 0; z < ZONES; z++) {
            free += c.freePages[z];
            hint += c.statePages[z][MemMap.HINT];
        }
        return new SelfCheckReport(c.mismatches == 0, pages, c.contentChecked, free, hint, c.mismatches, List.copyOf(c.problems),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private long check() {
        try {
            BootHeader h = BootHeader.read(ram, ram.layout());
            geo = h.geometry();
            options = h.options();
        } catch (IllegalStateException e) {
            problem("boot block: " + e.getMessage());
            return 0;
        }
        memmap = new MemMap(ram.region(geo.memmapGpa(), geo.memmapBytes()));
        boot = ram.region(geo.bootGpa(), geo.pageSize());
        disk = ram.region(geo.diskTableGpa(), geo.diskPages() * PageCache.DISK_ENTRY_BYTES);
        int words = (int) ((geo.totalPages() + 63) >>> 6);
        freeHead = new long[words];
        cachePage = new long[words];
        visited = new long[words];
        freeByPfn = new long[(int) ((geo.pfnLimit() + 63) >>> 6)];
        page = new byte[geo.pageSize()];
        expected = new byte[geo.pageSize()];
        try {
            walkPageMetadata();
            checkFreeLists();
            checkZoneCounts();
            checkLru();
            checkKeptBitmap();
            checkHintQueue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return geo.totalPages();
    }

    // ------------------------------------------------------------ every page in exactly one state

    private void walkPageMetadata() throws IOException {
        long kernelStart = geo.bootGpa() >>> geo.pageShift();
        long kernelEnd = kernelStart + geo.kernelAreaPages();
        long tailUntil = -1;
        long blockPfn = -1;
        int blockState = MemMap.TAIL;
        for (long idx = 0; idx < geo.totalPages(); idx++) {
            long pfn = geo.pfn(idx);
            if (idx < tailUntil) {
                long skipTo = holeInMemmapUntil(idx, tailUntil);
                if (skipTo > idx) {
                    idx = skipTo - 1; // tails in a hole of the RAM file are zero: no need to read (and populate) them
                    continue;
                }
                if (!memmap.isZero(idx)) {
                    problem(pfn, "lies inside the " + MemMap.stateName(blockState) + " block at PFN 0x"
                            + Long.toHexString(blockPfn) + " but its metadata is not a tail ("
                            + MemMap.stateName(memmap.stateAt(idx)) + ")");
                }
                continue;
            }
            long w = memmap.word0(idx);
            int state = MemMap.state(w);
            int order = MemMap.order(w);
            int zone = geo.zoneOf(pfn);
            if (state == MemMap.TAIL || state >= MemMap.STATES) {
                problem(pfn, state == MemMap.TAIL ? "belongs to no block: zero metadata where a page or block must start"
                        : "has an impossible state " + state);
                continue;
            }
            if (MemMap.zone(w) != zone) {
                problem(pfn, "says zone " + MemMap.zone(w) + ", its PFN is in zone " + zone);
            }
            if (!blockFits(idx, pfn, state, order)) {
                order = 0;
            }
            if ((state == MemMap.RESERVED) != geo.isReserved(pfn)) {
                problem(pfn, state == MemMap.RESERVED ? "is RESERVED but no reserved range holds it"
                        : "is in a reserved range but is " + MemMap.stateName(state));
            }
            if (pfn >= kernelStart && pfn < kernelEnd && state != MemMap.KERNEL) {
                problem(pfn, "is in the kernel's own area but is " + MemMap.stateName(state));
            }
            checkUnusedFields(idx, pfn, state, w);
            long pages = 1L << order;
            statePages[zone][state] += pages;
            tailUntil = idx + pages;
            blockPfn = pfn;
            blockState = state;
            switch (state) {
                case MemMap.FREE -> {
                    set(freeHead, idx);
                    freeBlocks[zone][order]++;
                    freePages[zone] += pages;
                    FreeListWalker.setRange(freeByPfn, pfn, pages);
                    checkFreeContent(pfn, pages);
                }
                case MemMap.ANON -> checkAnon(idx, pfn, w);
                case MemMap.CACHE -> checkCachePage(idx, pfn, w);
                default -> { }
            }
        }
    }

    /**
     * When the metadata entries from {@code idx} on, up to the end of a block's tails, fill whole
     * pages of the memmap that are a hole in the RAM file (never written), returns the index after
     * the last such entry; otherwise {@code idx}. One lseek, instead of reading the entries.
     */
    private long holeInMemmapUntil(long idx, long tailUntil) throws IOException {
        int perPage = geo.pageSize() / MemMap.ENTRY_BYTES;
        if (idx % perPage != 0 || tailUntil - idx < perPage) {
            return idx;
        }
        long end = tailUntil - (tailUntil - idx) % perPage;
        long gpa = geo.memmapGpa() + idx * MemMap.ENTRY_BYTES;
        return ram.isHole(gpa, (end - idx) * MemMap.ENTRY_BYTES) ? end : idx;
    }

    /** Whether the block headed at {@code idx} has a possible order for its state, is aligned and inside one zone's RAM. */
    private boolean blockFits(long idx, long pfn, int state, int order) {
        boolean single = state == MemMap.ANON || state == MemMap.CACHE || state == MemMap.RESERVED;
        if (order > geo.maxOrder() || (single && order != 0) || (state == MemMap.HINT && order != geo.maxOrder())) {
            problem(pfn, "is a " + MemMap.stateName(state) + " block of impossible order " + order);
            return false;
        }
        long pages = 1L << order;
        long lastIdx = idx + pages - 1;
        boolean fits = (pfn & (pages - 1)) == 0 && lastIdx < geo.totalPages()
                && geo.pfn(lastIdx) == pfn + pages - 1 && geo.zoneOf(pfn + pages - 1) == geo.zoneOf(pfn);
        if (!fits) {
            problem(pfn, "heads a " + MemMap.stateName(state) + " block of order " + order
                    + " that is not aligned or not inside one zone's RAM");
        }
        return fits;
    }

    /**
     * The fields of an entry that its state does not use are zero: the allocator writes a head entry
     * with nothing but state, order, zone and owner (the rest cleared), and only the page cache and
     * the free lists fill in more. So a link on a page that is on no list, a file page on a page that
     * is not cached, an owner on a page that has none, or a checksum on a page whose content is not
     * known (its CONTENT_KNOWN flag clear: a page is given a checksum only together with the flag)
     * is a changed entry.
     */
    private void checkUnusedFields(long idx, long pfn, int state, long w) {
        int flags = MemMap.flags(w);
        long owner = MemMap.owner(w);
        boolean linked = state == MemMap.FREE || state == MemMap.CACHE;
        boolean content = state == MemMap.ANON || state == MemMap.CACHE;
        int allowedFlags = state == MemMap.CACHE ? MemMap.CONTENT_KNOWN | MemMap.DIRTY
                : state == MemMap.ANON ? MemMap.CONTENT_KNOWN : 0;
        String what = "(" + MemMap.stateName(state) + ")";
        if ((flags & ~allowedFlags) != 0) {
            problem(pfn, what + " has flags 0x" + Integer.toHexString(flags) + " its state cannot have");
        }
        if (state == MemMap.ANON && owner >= GuestKernel.MAX_VCPUS) {
            problem(pfn, what + " is owned by vCPU " + owner + ", beyond the " + GuestKernel.MAX_VCPUS + " a guest can have");
        } else if (!content && owner != 0) {
            problem(pfn, what + " has an owner (" + owner + ") though its state has none");
        }
        if (!linked && (memmap.next(idx) != 0 || memmap.prev(idx) != 0)) {
            problem(pfn, what + " is on no list but has links (next " + memmap.next(idx) + ", prev " + memmap.prev(idx) + ")");
        }
        if (state != MemMap.CACHE && (memmap.fileIndex(idx) != 0 || memmap.version(idx) != 0)) {
            problem(pfn, what + " is not cached but names a file page (index " + memmap.fileIndex(idx)
                    + ", version " + memmap.version(idx) + ")");
        }
        if ((flags & MemMap.CONTENT_KNOWN) == 0 && memmap.checksum(idx) != 0) {
            problem(pfn, what + " has a checksum but its CONTENT_KNOWN flag is clear: the flag was lost");
        }
    }

    private void checkAnon(long idx, long pfn, long w) {
        if ((MemMap.flags(w) & MemMap.CONTENT_KNOWN) == 0) {
            return; // allocated without init and not yet written: its content is undefined (its checksum is 0, checked above)
        }
        readPage(pfn);
        if (PageChecksum.of(page, 0, page.length) != memmap.checksum(idx)) {
            problem(pfn, "(anonymous, vCPU " + MemMap.owner(w) + ") holds content that does not match its checksum");
        }
    }

    private void checkCachePage(long idx, long pfn, long w) {
        set(cachePage, idx);
        cacheCount++;
        boolean dirty = (MemMap.flags(w) & MemMap.DIRTY) != 0;
        if (dirty) {
            dirtyCount++;
        }
        long file = MemMap.owner(w);
        int index = memmap.fileIndex(idx);
        int version = memmap.version(idx);
        if (file >= geo.diskPages() / KernelGeometry.PAGES_PER_FILE || index < 0 || index >= KernelGeometry.PAGES_PER_FILE) {
            problem(pfn, "is a page-cache page of file " + file + " index " + index + ", which is not on the disk");
            return;
        }
        long e = disk.readLong(((file * KernelGeometry.PAGES_PER_FILE) + index) * PageCache.DISK_ENTRY_BYTES);
        if ((e & 0xffffffffL) != idx + 1) {
            problem(pfn, "caches page " + index + " of file " + file + " but the disk table does not point to it");
        }
        int onDisk = (int) (e >>> 32);
        if (!dirty && version != onDisk) {
            problem(pfn, "is a clean page at version " + version + " of a file page at version " + onDisk + " on disk");
        }
        if (dirty && Integer.compareUnsigned(version, onDisk) <= 0) {
            problem(pfn, "is dirty at version " + version + ", not newer than the disk's " + onDisk);
        }
        if ((MemMap.flags(w) & MemMap.CONTENT_KNOWN) == 0) {
            problem(pfn, "is a page-cache page that was never filled");
            return;
        }
        readPage(pfn);
        PageChecksum.fillPseudoRandom(expected, expected.length, PageChecksum.fileSeed((int) file, index, version));
        if (!Arrays.equals(page, expected)) {
            problem(pfn, "(page " + index + " of file " + file + ", " + (dirty ? "dirty" : "clean")
                    + ") does not hold its file's content at version " + version);
        } else if (PageChecksum.of(page, 0, page.length) != memmap.checksum(idx)) {
            problem(pfn, "(page-cache) has a checksum that does not match its content");
        }
    }

    private void checkFreeContent(long pfn, long pages) throws IOException {
        if (!options.pagePoison() && !options.initOnFree()) {
            return; // free pages keep whatever was last written
        }
        byte fill = options.pagePoison() ? BootOptions.POISON : 0;
        long gpa = pfn << geo.pageShift();
        if (ram.isHole(gpa, pages << geo.pageShift())) {
            contentChecked += pages;
            if (fill != 0) {
                problem(pfn, "heads a free block of " + pages + " pages that holds no memory (reads as zeros), not the poison 0x"
                        + Integer.toHexString(fill & 0xff));
            }
            return;
        }
        long word = (fill & 0xffL) * 0x0101010101010101L;
        for (long p = 0; p < pages; p++) {
            readPage(pfn + p);
            for (int at = 0; at < page.length; at += 8) {
                if ((long) PageChecksum.WORDS.get(page, at) != word) {
                    problem(pfn + p, "is free but does not hold " + (fill == 0 ? "zeros (init-on-free)" : "the poison"));
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------ free lists and counts

    private void checkFreeLists() {
        for (int z = 0; z < ZONES; z++) {
            for (int order = 0; order <= geo.maxOrder(); order++) {
                long head = boot.readInt(BootBlock.zoneOff(z, BootBlock.ZONE_HEADS + 4 * order)) & 0xffffffffL;
                long count = boot.readLong(BootBlock.zoneOff(z, BootBlock.ZONE_COUNTS + 8 * order));
                long n = walkList(head, "free list of order " + order + " in zone " + z, MemMap.FREE, order, z);
                if (n != count) {
                    problem("free list of order " + order + " in zone " + z + " links " + n + " blocks, its count says " + count);
                }
                if (freeBlocks[z][order] != count) {
                    problem("zone " + z + " has " + freeBlocks[z][order] + " free blocks of order " + order
                            + " in its page metadata, its free list count says " + count);
                }
            }
        }
        for (long idx = nextSet(freeHead, 0); idx >= 0; idx = nextSet(freeHead, idx + 1)) {
            if (!get(visited, idx)) {
                problem(geo.pfn(idx), "heads a free block that is on no free list");
            }
        }
    }

    /**
     * Walks a list from {@code head}: every element must be a page of {@code state} (for free lists
     * of this order and zone), seen once, with a back link to its predecessor. Returns the length.
     */
    private long walkList(long head, String what, int state, int order, int zone) {
        long prev = NIL;
        long n = 0;
        for (long idx = head; idx != NIL; idx = memmap.next(idx)) {
            if (idx >= geo.totalPages()) {
                problem(what + " links to page index " + idx + ", beyond RAM");
                return n;
            }
            long pfn = geo.pfn(idx);
            boolean member = state == MemMap.FREE ? get(freeHead, idx) : get(cachePage, idx);
            if (!member) {
                problem(pfn, "is on the " + what + " but is " + MemMap.stateName(memmap.stateAt(idx)));
                return n;
            }
            if (get(visited, idx)) {
                problem(pfn, "is on the " + what + " twice: the list has a cycle");
                return n;
            }
            set(visited, idx);
            long w = memmap.word0(idx);
            if (state == MemMap.FREE && (MemMap.order(w) != order || MemMap.zone(w) != zone)) {
                problem(pfn, "is a free block of order " + MemMap.order(w) + " in zone " + MemMap.zone(w) + " on the " + what);
            }
            if (memmap.prev(idx) != prev) {
                problem(pfn, "on the " + what + " has a back link to index " + memmap.prev(idx) + ", its predecessor is " + prev);
            }
            prev = idx;
            n++;
        }
        return n;
    }

    private void checkZoneCounts() {
        for (int z = 0; z < ZONES; z++) {
            long free = boot.readLong(BootBlock.zoneOff(z, BootBlock.ZONE_FREE));
            if (free != freePages[z]) {
                problem("zone " + z + " says " + free + " free pages, its free blocks hold " + freePages[z]);
            }
            for (int state = MemMap.RESERVED; state < MemMap.STATES; state++) {
                if (state == MemMap.FREE) {
                    continue;
                }
                long said = boot.readLong(BootBlock.zoneOff(z, BootBlock.ZONE_STATE_PAGES + 8 * state));
                if (said != statePages[z][state]) {
                    problem("zone " + z + " says " + said + " " + MemMap.stateName(state) + " pages, its page metadata has "
                            + statePages[z][state]);
                }
            }
        }
    }

    private void checkLru() {
        long lru = boot.readLong(BootBlock.LRU_OFF);
        long head = lru & 0xffffffffL;
        long cached = boot.readLong(BootBlock.CACHED_PAGES_OFF);
        long dirty = boot.readLong(BootBlock.DIRTY_PAGES_OFF);
        long n = walkList(head, "page-cache LRU", MemMap.CACHE, 0, 0);
        if (n != cached || cacheCount != cached) {
            problem("the page cache says " + cached + " pages; its LRU links " + n + ", the page metadata has " + cacheCount);
        }
        if (dirty != dirtyCount) {
            problem("the page cache says " + dirty + " dirty pages, the page metadata has " + dirtyCount);
        }
        for (long idx = nextSet(cachePage, 0); idx >= 0; idx = nextSet(cachePage, idx + 1)) {
            if (!get(visited, idx)) {
                problem(geo.pfn(idx), "is a page-cache page that is not on the LRU");
            }
        }
    }

    private void checkKeptBitmap() {
        if (options.freeBitmap() != BootOptions.FreeBitmapMode.KEPT) {
            return;
        }
        Region kept = ram.region(geo.keptBitmapGpa(), geo.keptBitmapBytes());
        for (int w = 0; w < freeByPfn.length; w++) {
            long diff = kept.readLong((long) w << 3) ^ freeByPfn[w];
            if (diff != 0) {
                long pfn = ((long) w << 6) + Long.numberOfTrailingZeros(diff);
                problem(pfn, "is " + (get(freeByPfn, pfn) ? "free" : "not free")
                        + " but the kept free-page bitmap says otherwise (" + Long.bitCount(diff) + " bits differ in its word)");
            }
        }
    }

    // ------------------------------------------------------------ the virtio driver's free page queue

    /** Descriptor flags the virtio driver uses: none (a command id it sends) or WRITE (a free block). */
    private static final int DESC_F_WRITE = 2;

    /**
     * The free page queue the virtio driver recorded in the boot block (docs/GUEST.md 4.2): its
     * rings and command-id slots lie in one KERNEL block; the buffers the device has not used yet
     * are either a command id (4 bytes in a slot) or a whole hint-order block of usable RAM; the
     * used elements name descriptors of the queue with length 0 (the device writes nothing into a
     * block); the STOP slot holds STOP.
     */
    private void checkHintQueue() {
        long desc = boot.readLong(BootBlock.HINT_QUEUE_DESC_OFF);
        if (desc == 0) {
            return;
        }
        long avail = boot.readLong(BootBlock.HINT_QUEUE_AVAIL_OFF);
        long used = boot.readLong(BootBlock.HINT_QUEUE_USED_OFF);
        long slots = boot.readLong(BootBlock.HINT_QUEUE_SLOTS_OFF);
        int size = boot.readInt(BootBlock.HINT_QUEUE_SIZE_OFF);
        if (size == 0) {
            return; // the driver is (re)writing its rings: nothing to hold them to yet
        }
        if (size < 2 || size > 32768 || Integer.bitCount(size) != 1) {
            problem("the virtio free page queue recorded in the boot block has an impossible size " + size);
            return;
        }
        if ((desc & 15) != 0 || (avail & 1) != 0 || (used & 3) != 0
                || !inOneKernelBlock(desc, 16L * size) || !inOneKernelBlock(avail, 6 + 2L * size)
                || !inOneKernelBlock(used, 6 + 8L * size) || !inOneKernelBlock(slots, 8)) {
            problem("the virtio free page queue (descriptors 0x" + Long.toHexString(desc) + ", size " + size
                    + ") is not aligned or not in the kernel's own pages");
            return;
        }
        int availFlags = ram.readShort(avail) & 0xffff;
        int availIdx = ram.readShort(avail + 2) & 0xffff;
        int usedFlags = ram.readShort(used) & 0xffff;
        int usedIdx = ram.readShort(used + 2) & 0xffff;
        if (availFlags > 1 || usedFlags > 1) {
            problem("the virtio free page queue has ring flags " + availFlags + " / " + usedFlags + " (only bit 0 exists)");
        }
        int inFlight = (availIdx - usedIdx) & 0xffff;
        if (inFlight > size) {
            problem("the virtio free page queue has " + inFlight + " buffers in flight, more than its " + size + " entries");
            return;
        }
        long blockBytes = (long) geo.pageSize() << geo.maxOrder();
        for (int j = 0; j < inFlight; j++) {
            int head = ram.readShort(avail + 4 + 2L * ((usedIdx + j) & (size - 1))) & 0xffff;
            if (head >= size) {
                problem("the virtio free page queue's available ring names descriptor " + head + " of " + size);
                continue;
            }
            long d = desc + 16L * head;
            long addr = ram.readLong(d);
            int len = ram.readInt(d + 8);
            int flags = ram.readShort(d + 12) & 0xffff;
            boolean commandId = flags == 0 && len == 4 && (addr == slots || addr == slots + 4);
            boolean block = flags == DESC_F_WRITE && len == blockBytes && addr % blockBytes == 0 && usableRam(addr, blockBytes);
            if (!commandId && !block) {
                problem("the virtio free page queue's descriptor " + head + " (0x" + Long.toHexString(addr) + ", " + len
                        + " bytes, flags " + flags + ") is neither a command id nor a free block of the hint order");
            }
        }
        for (int k = 0; k < Math.min(usedIdx, size); k++) {
            long e = used + 4 + 8L * k;
            int id = ram.readInt(e);
            int len = ram.readInt(e + 4);
            if (id < 0 || id >= size || len != 0) {
                problem("the virtio free page queue's used element " + k + " names descriptor " + id + " with length " + len);
            }
        }
        if (ram.readInt(slots + 4) != 0) {
            problem("the virtio free page queue's STOP slot holds " + ram.readInt(slots + 4) + ", not STOP (0)");
        }
    }

    /** Whether {@code [gpa, gpa + bytes)} lies in RAM pages of one KERNEL block. */
    private boolean inOneKernelBlock(long gpa, long bytes) {
        long first = gpa >>> geo.pageShift();
        long last = (gpa + bytes - 1) >>> geo.pageShift();
        for (int order = 0; order <= geo.maxOrder(); order++) {
            long head = first & -(1L << order);
            long idx = geo.index(head);
            if (idx < 0) {
                continue;
            }
            long w = memmap.word0(idx);
            if (MemMap.state(w) == MemMap.KERNEL && MemMap.order(w) >= order && last < head + (1L << MemMap.order(w))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code [gpa, gpa + bytes)} is RAM pages none of which is reserved. */
    private boolean usableRam(long gpa, long bytes) {
        long first = gpa >>> geo.pageShift();
        long pages = bytes >>> geo.pageShift();
        long idx = geo.index(first);
        long lastIdx = geo.index(first + pages - 1);
        return idx >= 0 && lastIdx == idx + pages - 1 && !geo.anyReserved(first, first + pages);
    }

    // ------------------------------------------------------------ helpers

    private void readPage(long pfn) {
        ram.readBytes(pfn << geo.pageShift(), page, 0, page.length);
        contentChecked++;
    }

    private void problem(long pfn, String what) {
        problem("PFN 0x" + Long.toHexString(pfn) + " " + what);
    }

    private void problem(String what) {
        mismatches++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(what);
        }
    }

    private static boolean get(long[] bits, long i) {
        return (bits[(int) (i >>> 6)] & (1L << i)) != 0;
    }

    private static void set(long[] bits, long i) {
        bits[(int) (i >>> 6)] |= 1L << i;
    }

    private static long nextSet(long[] bits, long from) {
        int w = (int) (from >>> 6);
        if (w >= bits.length) {
            return -1;
        }
        long v = bits[w] & (-1L << from);
        while (v == 0) {
            if (++w >= bits.length) {
                return -1;
            }
            v = bits[w];
        }
        return ((long) w << 6) + Long.numberOfTrailingZeros(v);
    }
}
