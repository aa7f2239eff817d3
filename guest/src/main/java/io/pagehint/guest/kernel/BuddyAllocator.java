package io.pagehint.guest.kernel;

import static io.pagehint.guest.kernel.MemMap.NIL;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The buddy allocator: per zone, free lists of orders 0 to {@link KernelGeometry#maxOrder()}, each a
 * doubly-linked list through the page-metadata entries of the blocks' first pages, with the list
 * heads and counts in the zone's header in the boot block. Splitting and merging follow Linux
 * (mm/page_alloc.c {@code expand} and {@code __free_one_page}): the buddy of the block at PFN
 * {@code p} of order {@code k} is at {@code p ^ 2^k}, and two free buddies of equal order merge.
 * Blocks are aligned by PFN and never hold a hole, a reserved page or a page of another zone.
 *
 * <p>Every change happens under the zone's lock; every field it changes is in guest RAM, written
 * through the write path. The Java fields mirror RAM for speed and are reloaded on attach.
 */
final class BuddyAllocator {

    /** Who allocates: decides the watermark. */
    enum Kind {
        /** Workloads and the page cache: stop at the zone's min watermark. */
        USER,
        /** The free-page-hint driver ({@code __GFP_NORETRY | __GFP_NOMEMALLOC}): watermark, no reclaim. */
        HINT,
        /** The kernel's own memory (rings): may use the reserve below the watermark. */
        KERNEL
    }

    private final KernelGeometry geo;
    private final MemMap memmap;
    private final BootBlock boot;
    private final KeptBitmap kept;
    private final Zone[] zones = new Zone[KernelGeometry.ZONES];

    BuddyAllocator(KernelGeometry geo, MemMap memmap, BootBlock boot, KeptBitmap kept) {
        this.geo = geo;
        this.memmap = memmap;
        this.boot = boot;
        this.kept = kept;
        for (int z = 0; z < zones.length; z++) {
            zones[z] = new Zone(z);
        }
    }

    Zone zone(int z) {
        return zones[z];
    }

    /** One zone: its lock and a mirror of its header in RAM. */
    final class Zone {
        final int id;
        final ReentrantLock lock = new ReentrantLock();
        private final long[] head = new long[geo.maxOrder() + 1];
        private final long[] count = new long[geo.maxOrder() + 1];
        private final long[] statePages = new long[MemMap.STATES];
        private long managed;
        private long free;
        private long minFree;

        Zone(int id) {
            this.id = id;
            java.util.Arrays.fill(head, NIL);
        }

        long freePages() {
            return free;
        }

        long managedPages() {
            return managed;
        }

        long minFree() {
            return minFree;
        }

        long head(int order) {
            return head[order];
        }

        long count(int order) {
            return count[order];
        }

        private void setHead(int order, long idx) {
            head[order] = idx;
            boot.writeInt(BootBlock.zoneOff(id, BootBlock.ZONE_HEADS + 4 * order), (int) idx);
        }

        private void addCount(int order, long delta) {
            count[order] += delta;
            boot.writeLong(BootBlock.zoneOff(id, BootBlock.ZONE_COUNTS + 8 * order), count[order]);
        }

        long statePages(int state) {
            return statePages[state];
        }

        private void addStatePages(int state, long delta) {
            statePages[state] += delta;
            boot.writeLong(BootBlock.zoneOff(id, BootBlock.ZONE_STATE_PAGES + 8 * state), statePages[state]);
        }

        private void addFree(long delta) {
            free += delta;
            boot.writeLong(BootBlock.zoneOff(id, BootBlock.ZONE_FREE), free);
        }

        /** Puts the block at {@code idx} at the head of the order's list and writes its head entry. */
        private void push(long idx, int order) {
            long h = head[order];
            memmap.setHead(idx, MemMap.FREE, order, 0, id, 0);
            memmap.setLinks(idx, h, NIL);
            if (h != NIL) {
                memmap.setPrev(h, idx);
            }
            setHead(order, idx);
            addCount(order, 1);
        }

        private void unlink(long idx, int order) {
            long n = memmap.next(idx);
            long p = memmap.prev(idx);
            if (p != NIL) {
                memmap.setNext(p, n);
            } else {
                setHead(order, n);
            }
            if (n != NIL) {
                memmap.setPrev(n, p);
            }
            addCount(order, -1);
        }

        /** Takes a block of {@code order} (lock held); -1 when none is free above the watermark. */
        private long take(int order, Kind kind) {
            long pages = 1L << order;
            if (kind != Kind.KERNEL && free - pages < minFree) {
                return -1;
            }
            for (int k = order; k <= geo.maxOrder(); k++) {
                long idx = head[k];
                if (idx == NIL) {
                    continue;
                }
                unlink(idx, k);
                while (k > order) {
                    k--;
                    push(idx + (1L << k), k);
                }
                addFree(-pages);
                if (kept != null) {
                    kept.clear(geo.pfn(idx), pages);
                }
                return idx;
            }
            return -1;
        }

        /** Frees the block at {@code idx} of {@code order} and merges it with free buddies (lock held). */
        private void give(long idx, int order) {
            addStatePages(MemMap.state(memmap.word0(idx)), -(1L << order));
            long pfn = geo.pfn(idx);
            if (kept != null) {
                kept.set(pfn, 1L << order);
            }
            addFree(1L << order);
            long zoneStart = geo.zoneStartPfn(id);
            long zoneEnd = geo.zoneEndPfn(id);
            while (order < geo.maxOrder()) {
                long buddyPfn = pfn ^ (1L << order);
                if (buddyPfn < zoneStart || buddyPfn >= zoneEnd) {
                    break;
                }
                long buddy = geo.index(buddyPfn);
                if (buddy < 0) {
                    break;
                }
                long w = memmap.word0(buddy);
                if (MemMap.state(w) != MemMap.FREE || MemMap.order(w) != order) {
                    break;
                }
                unlink(buddy, order);
                if (buddyPfn < pfn) {
                    memmap.clear(idx); // our first page becomes a tail of the merged block
                    idx = buddy;
                    pfn = buddyPfn;
                } else {
                    memmap.clear(buddy);
                }
                order++;
            }
            push(idx, order);
        }
    }

    // ------------------------------------------------------------ boot and attach

    /**
     * Boot: gives every usable page to the free lists as the largest aligned blocks that fit,
     * highest address first so each list starts in ascending order. Pages of reserved ranges are
     * marked RESERVED; pages in {@code [kernelStartPfn, kernelEndPfn)} KERNEL. Returns how many
     * pages are reserved.
     */
    long boot(long kernelStartPfn, long kernelEndPfn) {
        long reserved = 0;
        for (int z = 0; z < zones.length; z++) {
            Zone zone = zones[z];
            long zs = geo.zoneStartPfn(z);
            long ze = geo.zoneEndPfn(z);
            boot.writeLong(BootBlock.zoneOff(z, BootBlock.ZONE_START_PFN), zs);
            boot.writeLong(BootBlock.zoneOff(z, BootBlock.ZONE_END_PFN), ze);
            for (int order = 0; order <= geo.maxOrder(); order++) {
                zone.setHead(order, NIL);
            }
            for (int r = geo.rangeCount() - 1; r >= 0; r--) {
                long start = Math.max(zs, geo.rangeStartPfn(r));
                long end = Math.min(ze, geo.rangeEndPfn(r));
                reserved += bootRange(zone, start, end, kernelStartPfn, kernelEndPfn);
            }
            // Linux sizes the min watermark from min_free_kbytes; a fixed share of the zone is enough here.
            zone.minFree = zone.managed == 0 ? 0 : Math.max(16, zone.managed >>> 8);
            boot.writeLong(BootBlock.zoneOff(z, BootBlock.ZONE_MANAGED), zone.managed);
            boot.writeLong(BootBlock.zoneOff(z, BootBlock.ZONE_MIN_FREE), zone.minFree);
        }
        return reserved;
    }

    /** Frees {@code [start, end)} of one zone from the top down; returns the reserved pages found. */
    private long bootRange(Zone zone, long start, long end, long kernelStart, long kernelEnd) {
        long reserved = 0;
        long at = end;
        while (at > start) {
            long pfn = at - 1;
            if (geo.isReserved(pfn)) {
                memmap.setHead(geo.index(pfn), MemMap.RESERVED, 0, 0, zone.id, 0);
                zone.addStatePages(MemMap.RESERVED, 1);
                reserved++;
                at--;
                continue;
            }
            if (pfn >= kernelStart && pfn < kernelEnd) {
                memmap.setHead(geo.index(pfn), MemMap.KERNEL, 0, 0, zone.id, 0);
                zone.addStatePages(MemMap.KERNEL, 1);
                at--;
                continue;
            }
            // the largest aligned block ending at `at` whose pages are all free
            int order = 0;
            while (order < geo.maxOrder()) {
                long size = 2L << order;
                long first = at - size;
                if (first < start || (first & (size - 1)) != 0 || !allFree(first, at, kernelStart, kernelEnd)) {
                    break;
                }
                order++;
            }
            long first = at - (1L << order);
            zone.managed += 1L << order;
            zone.push(geo.index(first), order);
            zone.addFree(1L << order);
            if (kept != null) {
                kept.set(first, 1L << order);
            }
            at = first;
        }
        return reserved;
    }

    private boolean allFree(long from, long to, long kernelStart, long kernelEnd) {
        return !(from < kernelEnd && kernelStart < to) && !geo.anyReserved(from, to);
    }

    /** Attach: reloads the mirrors from the zone headers in RAM. */
    void attach() {
        for (Zone zone : zones) {
            for (int order = 0; order <= geo.maxOrder(); order++) {
                zone.head[order] = boot.readInt(BootBlock.zoneOff(zone.id, BootBlock.ZONE_HEADS + 4 * order)) & 0xffffffffL;
                zone.count[order] = boot.readLong(BootBlock.zoneOff(zone.id, BootBlock.ZONE_COUNTS + 8 * order));
            }
            for (int st = 0; st < MemMap.STATES; st++) {
                zone.statePages[st] = boot.readLong(BootBlock.zoneOff(zone.id, BootBlock.ZONE_STATE_PAGES + 8 * st));
            }
            zone.managed = boot.readLong(BootBlock.zoneOff(zone.id, BootBlock.ZONE_MANAGED));
            zone.free = boot.readLong(BootBlock.zoneOff(zone.id, BootBlock.ZONE_FREE));
            zone.minFree = boot.readLong(BootBlock.zoneOff(zone.id, BootBlock.ZONE_MIN_FREE));
        }
    }

    // ------------------------------------------------------------ allocation

    /**
     * Allocates {@code 2^order} contiguous pages, trying ZONE_NORMAL before ZONE_DMA32 (Linux's
     * zonelist order), and writes the head entry with {@code state}. Returns the dense index of
     * the first page, or -1 when no zone has such a block above its watermark.
     */
    long alloc(int order, Kind kind, int state, int flags, long owner) {
        for (int z = zones.length - 1; z >= 0; z--) {
            Zone zone = zones[z];
            if (zone.managed == 0) {
                continue;
            }
            zone.lock.lock();
            try {
                long idx = zone.take(order, kind);
                if (idx >= 0) {
                    memmap.setHead(idx, state, order, flags, z, owner);
                    zone.addStatePages(state, 1L << order);
                    return idx;
                }
            } finally {
                zone.lock.unlock();
            }
        }
        return -1;
    }

    /**
     * Allocates {@code 2^order} contiguous pages as as many independent order-0 pages of
     * {@code state} (Linux's {@code split_page}): each is freed on its own. Returns the first
     * page's index or -1.
     */
    long allocSplit(int order, Kind kind, int state, int flags, long owner) {
        long idx = alloc(order, kind, state, flags, owner);
        if (idx >= 0 && order > 0) {
            Zone zone = zones[geo.zoneOf(geo.pfn(idx))];
            zone.lock.lock();
            try {
                memmap.setHead(idx, state, 0, flags, zone.id, owner);
                for (long i = 1; i < 1L << order; i++) {
                    memmap.setHead(idx + i, state, 0, flags, zone.id, owner);
                }
            } finally {
                zone.lock.unlock();
            }
        }
        return idx;
    }

    /** Frees a block allocated at {@code idx} with {@code order}. */
    void free(long idx, int order) {
        Zone zone = zones[geo.zoneOf(geo.pfn(idx))];
        zone.lock.lock();
        try {
            zone.give(idx, order);
        } finally {
            zone.lock.unlock();
        }
    }

    long freePages() {
        long n = 0;
        for (Zone z : zones) {
            n += z.free;
        }
        return n;
    }

    /** Pages in {@code state}, all zones. */
    long statePages(int state) {
        long n = 0;
        for (Zone z : zones) {
            n += z.statePages[state];
        }
        return n;
    }
}
