package io.pagehint.guest.kernel;


/**
 * Design note 4a: the loose free-page bitmap built on demand by walking the free lists, zone by
 * zone in ascending PFN order, so the pieces of the lower zone leave before the upper zone is
 * walked. Each list is walked under its zone's lock (as the walk_free_mem_block of the v22-v35
 * Linux series did), so every page reported free was free at that moment; the bitmap itself is a
 * scratch array of the walker, not guest memory.
 */
final class FreeListWalker {

    private FreeListWalker() {
    }

    static void stream(KernelGeometry geo, BuddyAllocator buddy, MemMap memmap, ExecutionGate gate, long[] piece,
                       HintingSupport.BitmapSink sink) {
        for (int z = 0; z < KernelGeometry.ZONES; z++) {
            long start = geo.zoneStartPfn(z);
            long end = geo.zoneEndPfn(z);
            if (end <= start || buddy.zone(z).managedPages() == 0) {
                continue;
            }
            long[] bits = new long[(int) ((end - start + 63) >>> 6)];
            BuddyAllocator.Zone zone = buddy.zone(z);
            for (int order = 0; order <= geo.maxOrder(); order++) {
                gate.enter();
                zone.lock.lock();
                try {
                    walk(geo, memmap, zone, order, start, bits);
                } finally {
                    zone.lock.unlock();
                    gate.exit();
                }
            }
            emit(bits, start >>> 6, piece, sink);
        }
    }

    private static void walk(KernelGeometry geo, MemMap memmap, BuddyAllocator.Zone zone, int order, long zoneStart,
                             long[] bits) {
        long steps = zone.count(order);
        long pages = 1L << order;
        for (long idx = zone.head(order); idx != MemMap.NIL && steps-- > 0; idx = memmap.next(idx)) {
            if (idx >= geo.totalPages()) {
                throw new IllegalStateException("free list of order " + order + " links to page index " + idx);
            }
            setRange(bits, geo.pfn(idx) - zoneStart, pages);
        }
    }

    static void setRange(long[] bits, long from, long count) {
        long end = from + count;
        int w = (int) (from >>> 6);
        int last = (int) ((end - 1) >>> 6);
        if (w == last) {
            bits[w] |= (count == 64 ? -1L : ((1L << count) - 1)) << (from & 63);
            return;
        }
        bits[w] |= -1L << (from & 63);
        for (int i = w + 1; i < last; i++) {
            bits[i] = -1L;
        }
        bits[last] |= -1L >>> (63 - ((end - 1) & 63));
    }

    /** Hands {@code bits} (word 0 = word {@code firstWord} of the loose bitmap) to the sink, skipping empty pieces. */
    static void emit(long[] bits, long firstWord, long[] piece, HintingSupport.BitmapSink sink) {
        for (int w = 0; w < bits.length; w += piece.length) {
            int n = Math.min(piece.length, bits.length - w);
            boolean any = false;
            for (int i = 0; i < n; i++) {
                piece[i] = bits[w + i];
                any |= piece[i] != 0;
            }
            if (any) {
                sink.accept((firstWord + w) << 6, piece, n);
            }
        }
    }
}
