package io.pagehint.guest.kernel;

import static io.pagehint.guest.kernel.MemMap.NIL;

import io.pagehint.reference.ram.Region;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The page cache: pages of files of a modelled disk, clean or dirty, on one LRU list linked
 * through the page-metadata entries (most recently used at the head).
 *
 * <p><b>The disk.</b> The disk holds {@link KernelGeometry#diskPages()} pages in files of
 * {@link KernelGeometry#PAGES_PER_FILE} pages. The content of page {@code i} of file {@code f} at
 * version {@code v} is the pseudo-random stream of {@link PageChecksum#fileSeed}{@code (f, i, v)}:
 * a pure function, so a clean page can be checked against its file without storing the file. What
 * the disk holds is a version per page, in the disk table (8 bytes per disk page, in the kernel
 * area): low u32 = dense index + 1 of the cached page (0 = not cached), high u32 = the version on
 * disk. Writing a page in the cache makes it dirty at the next version; writeback records that
 * version on disk and makes the page clean; dropping the cache (design note, section 6) frees clean
 * pages only.
 *
 * <p>One lock guards the cache. Lock order: the cache lock, then a zone lock.
 */
public final class PageCache {

    static final int DISK_ENTRY_BYTES = 8;

    private final ReentrantLock lock = new ReentrantLock();
    private final GuestKernel kernel;
    private final KernelGeometry geo;
    private final MemMap memmap;
    private final BootBlock boot;
    private final Region disk;
    private long lruHead = NIL;
    private long lruTail = NIL;
    private long cached;
    private long dirty;

    PageCache(GuestKernel kernel, KernelGeometry geo, MemMap memmap, BootBlock boot, Region disk) {
        this.kernel = kernel;
        this.geo = geo;
        this.memmap = memmap;
        this.boot = boot;
        this.disk = disk;
    }

    void boot() {
        writeLru(NIL, NIL);
        boot.writeLong(BootBlock.CACHED_PAGES_OFF, 0);
        boot.writeLong(BootBlock.DIRTY_PAGES_OFF, 0);
    }

    void attach() {
        long lru = boot.readLong(BootBlock.LRU_OFF);
        lruHead = lru & 0xffffffffL;
        lruTail = lru >>> 32;
        cached = boot.readLong(BootBlock.CACHED_PAGES_OFF);
        dirty = boot.readLong(BootBlock.DIRTY_PAGES_OFF);
    }

    /** Files on the disk. */
    public int files() {
        return (int) (geo.diskPages() / KernelGeometry.PAGES_PER_FILE);
    }

    public long cachedPages() {
        return cached;
    }

    public long dirtyPages() {
        return dirty;
    }

    /**
     * Reads page {@code index} of {@code file}: a hit moves it to the head of the LRU; a miss
     * allocates a page and fills it from the disk. Returns the page's PFN, or -1 when memory ran
     * out. {@code scratch} is a page-sized buffer of the caller's.
     */
    public long read(int file, int index, byte[] scratch) {
        long dp = diskPage(file, index);
        lock.lock();
        try {
            long e = disk.readLong(dp * DISK_ENTRY_BYTES);
            long idx = (e & 0xffffffffL) - 1;
            if (idx >= 0) {
                touch(idx);
                return geo.pfn(idx);
            }
            int version = (int) (e >>> 32);
            idx = kernel.allocFrames(0, BuddyAllocator.Kind.USER, MemMap.CACHE, file);
            if (idx < 0) {
                return -1;
            }
            long sum = PageChecksum.fillPseudoRandom(scratch, geo.pageSize(), PageChecksum.fileSeed(file, index, version));
            kernel.writeContent(idx, scratch, sum, 0);
            memmap.setFilePage(idx, index, version);
            insert(idx, dp, version);
            return geo.pfn(idx);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Overwrites page {@code index} of {@code file} in the cache (a whole-page write): the page
     * becomes dirty at the next version. Returns its PFN, or -1 when memory ran out.
     */
    public long write(int file, int index, byte[] scratch) {
        long dp = diskPage(file, index);
        lock.lock();
        try {
            long e = disk.readLong(dp * DISK_ENTRY_BYTES);
            long idx = (e & 0xffffffffL) - 1;
            int version;
            if (idx >= 0) {
                version = memmap.version(idx) + 1;
                touch(idx);
            } else {
                idx = kernel.allocFrames(0, BuddyAllocator.Kind.USER, MemMap.CACHE, file);
                if (idx < 0) {
                    return -1;
                }
                version = (int) (e >>> 32) + 1;
                insert(idx, dp, (int) (e >>> 32));
            }
            long sum = PageChecksum.fillPseudoRandom(scratch, geo.pageSize(), PageChecksum.fileSeed(file, index, version));
            boolean wasDirty = (MemMap.flags(memmap.word0(idx)) & MemMap.DIRTY) != 0;
            kernel.writeContent(idx, scratch, sum, MemMap.DIRTY);
            memmap.setFilePage(idx, index, version);
            if (!wasDirty) {
                addDirty(1);
            }
            return geo.pfn(idx);
        } finally {
            lock.unlock();
        }
    }

    /** Writes back up to {@code max} dirty pages, oldest first; returns how many. */
    public long writeback(long max) {
        lock.lock();
        try {
            long done = 0;
            long steps = cached;
            for (long idx = lruTail; idx != NIL && done < max && steps-- > 0; idx = memmap.prev(idx)) {
                long w = memmap.word0(idx);
                if ((MemMap.flags(w) & MemMap.DIRTY) == 0) {
                    continue;
                }
                long dp = diskPage((int) MemMap.owner(w), memmap.fileIndex(idx));
                disk.writeLong(dp * DISK_ENTRY_BYTES, (idx + 1) | (memmap.version(idx) & 0xffffffffL) << 32);
                memmap.setWord0(idx, w & ~((long) MemMap.DIRTY << 16));
                addDirty(-1);
                done++;
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** Section 6 of the design note: frees every clean page of the cache; returns how many. */
    public long dropClean() {
        return reclaim(Long.MAX_VALUE);
    }

    /**
     * Frees up to {@code pages} clean pages from the cold end of the LRU; returns how many. Dirty
     * pages met on the way are moved to the hot end (they wait for writeback).
     */
    long reclaim(long pages) {
        lock.lock();
        try {
            long freed = 0;
            long idx = lruTail;
            long steps = cached;
            while (idx != NIL && freed < pages && steps-- > 0) {
                long prev = memmap.prev(idx);
                long w = memmap.word0(idx);
                if ((MemMap.flags(w) & MemMap.DIRTY) == 0) {
                    remove(idx, w);
                    freed++;
                } else {
                    touch(idx); // rotate a dirty page away from the cold end, so the next reclaim does not walk it again
                }
                idx = prev;
            }
            return freed;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread holds the cache lock (for reclaim from inside the cache). */
    boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    // ------------------------------------------------------------ internals (lock held)

    long diskPage(int file, int index) {
        if (file < 0 || index < 0 || index >= KernelGeometry.PAGES_PER_FILE || file >= files()) {
            throw new IllegalArgumentException("no page " + index + " of file " + file + " on a disk of " + files() + " files");
        }
        return (long) file * KernelGeometry.PAGES_PER_FILE + index;
    }

    private void insert(long idx, long dp, int diskVersion) {
        disk.writeLong(dp * DISK_ENTRY_BYTES, (idx + 1) | (diskVersion & 0xffffffffL) << 32);
        pushHead(idx);
        cached++;
        boot.writeLong(BootBlock.CACHED_PAGES_OFF, cached);
    }

    private void remove(long idx, long word0) {
        long dp = diskPage((int) MemMap.owner(word0), memmap.fileIndex(idx));
        long e = disk.readLong(dp * DISK_ENTRY_BYTES);
        disk.writeLong(dp * DISK_ENTRY_BYTES, e & 0xffffffff_00000000L);
        unlink(idx);
        cached--;
        boot.writeLong(BootBlock.CACHED_PAGES_OFF, cached);
        kernel.freeFrames(idx, 0);
    }

    private void touch(long idx) {
        if (idx != lruHead) {
            unlink(idx);
            pushHead(idx);
        }
    }

    private void pushHead(long idx) {
        memmap.setLinks(idx, lruHead, NIL);
        if (lruHead != NIL) {
            memmap.setPrev(lruHead, idx);
        }
        writeLru(idx, lruTail == NIL ? idx : lruTail);
    }

    private void unlink(long idx) {
        long n = memmap.next(idx);
        long p = memmap.prev(idx);
        long head = lruHead;
        long tail = lruTail;
        if (p != NIL) {
            memmap.setNext(p, n);
        } else {
            head = n;
        }
        if (n != NIL) {
            memmap.setPrev(n, p);
        } else {
            tail = p;
        }
        memmap.setLinks(idx, NIL, NIL);
        writeLru(head, tail);
    }

    private void writeLru(long head, long tail) {
        lruHead = head;
        lruTail = tail;
        boot.writeLong(BootBlock.LRU_OFF, head | tail << 32);
    }

    private void addDirty(long delta) {
        dirty += delta;
        boot.writeLong(BootBlock.DIRTY_PAGES_OFF, dirty);
    }
}
