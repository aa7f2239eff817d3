package io.pagehint.guest.kernel;

import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.ram.Region;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference guest's kernel: a memory manager whose whole state is in guest RAM (boot block,
 * page metadata, buddy free lists, page cache, kept free-page bitmap), reached only through the
 * guest's write path. {@link #boot} lays it out in fresh RAM; {@link #attach} takes up a kernel
 * that some other process booted, from nothing but the RAM and the layout.
 *
 * <p>Page frames: {@link #allocAnon}/{@link #freeAnon} and the {@link #pageCache()} for workloads;
 * the {@link HintingSupport} methods for drivers. Allocation applies the boot options (page-poison
 * check, init-on-alloc) and, under memory pressure, reclaims clean page cache and then asks the
 * drivers' shrinkers before it fails (mm/vmscan.c: {@code shrink_node} reclaims the LRU and calls
 * {@code shrink_slab}). Freeing applies init-on-free or poisoning.
 *
 * <p>Thread safety: any thread may call any method; every entry point that runs guest code passes
 * the {@link #gate()}, so a paused guest runs none.
 */
public final class GuestKernel implements HintingSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GuestKernel.class);
    /** The most vCPUs a guest runs; an anonymous page's owner (its vCPU) is below it. */
    public static final int MAX_VCPUS = 256;

    private final GuestPhysicalMemory mem;
    private final KernelGeometry geo;
    private final BootOptions options;
    private final BootBlock boot;
    private final MemMap memmap;
    private final KeptBitmap kept;
    private final BuddyAllocator buddy;
    private final PageCache pageCache;
    private final ExecutionGate gate = new ExecutionGate();
    private final List<Shrinker> shrinkers = new CopyOnWriteArrayList<>();
    private final AtomicLong poisonCorruptions = new AtomicLong();
    private final AtomicLong allocationFailures = new AtomicLong();
    private final long zeroPageChecksum;
    private final DeviceMemory physicalMemory;

    private GuestKernel(GuestPhysicalMemory mem, KernelGeometry geo, BootOptions options) {
        this.mem = mem;
        this.geo = geo;
        this.options = options;
        this.boot = new BootBlock(mem.region(geo.bootGpa(), geo.pageSize()));
        this.memmap = new MemMap(mem.region(geo.memmapGpa(), geo.memmapBytes()));
        this.kept = options.freeBitmap() == BootOptions.FreeBitmapMode.KEPT
                ? new KeptBitmap(mem.region(geo.keptBitmapGpa(), geo.keptBitmapBytes()), geo.pfnLimit()) : null;
        this.buddy = new BuddyAllocator(geo, memmap, boot, kept);
        Region disk = mem.region(geo.diskTableGpa(), geo.diskPages() * PageCache.DISK_ENTRY_BYTES);
        this.pageCache = new PageCache(this, geo, memmap, boot, disk);
        this.zeroPageChecksum = PageChecksum.ofFilled(geo.pageSize(), (byte) 0);
        this.physicalMemory = new GatedDeviceMemory(mem, gate);
    }

    /**
     * Boots a kernel into fresh guest RAM (a new, all-zero RAM file): writes the boot block, marks
     * reserved and kernel pages, gives the rest to the free lists and, with page poisoning, fills
     * every free page with the poison. The boot block's magic is written last.
     */
    public static GuestKernel boot(GuestPhysicalMemory mem, BootOptions options) {
        KernelGeometry geo = new KernelGeometry(mem.layout(), options.freeBitmap() == BootOptions.FreeBitmapMode.KEPT);
        GuestKernel k = new GuestKernel(mem, geo, options);
        k.writeBootHeader();
        long kernelStart = geo.bootGpa() >>> geo.pageShift();
        k.buddy.boot(kernelStart, kernelStart + geo.kernelAreaPages());
        k.pageCache.boot();
        if (options.pagePoison()) {
            k.poisonFreeLists();
        }
        k.boot.writeLong(BootBlock.MAGIC_OFF, BootBlock.MAGIC);
        LOG.info("booted: {} pages of RAM, {} free, kernel area {} KiB at 0x{}, options {}", geo.totalPages(),
                k.buddy.freePages(), geo.kernelAreaBytes() >> 10, Long.toHexString(geo.bootGpa()), options);
        return k;
    }

    /**
     * Takes up the kernel that lives in {@code mem}, as booted by another process: reads the boot
     * block, checks it was booted for this layout, and reloads the allocator's and the page
     * cache's headers. Nothing is written.
     *
     * @throws IllegalStateException if the RAM holds no kernel booted for this layout
     */
    public static GuestKernel attach(GuestPhysicalMemory mem) {
        BootHeader h = BootHeader.read(mem, mem.layout());
        GuestKernel k = new GuestKernel(mem, h.geometry(), h.options());
        k.buddy.attach();
        k.pageCache.attach();
        return k;
    }

    private void writeBootHeader() {
        boot.writeInt(BootBlock.VERSION_OFF, BootBlock.VERSION);
        boot.writeInt(BootBlock.PAGE_SIZE_OFF, geo.pageSize());
        boot.writeInt(BootBlock.FLAGS_OFF, options.flags());
        boot.writeInt(BootBlock.FREE_FILL_OFF, options.freeFillField());
        boot.writeLong(BootBlock.FINGERPRINT_OFF, geo.fingerprint());
        boot.writeLong(BootBlock.TOTAL_PAGES_OFF, geo.totalPages());
        boot.writeLong(BootBlock.PFN_LIMIT_OFF, geo.pfnLimit());
        boot.writeLong(BootBlock.MEMMAP_GPA_OFF, geo.memmapGpa());
        boot.writeLong(BootBlock.MEMMAP_BYTES_OFF, geo.memmapBytes());
        boot.writeLong(BootBlock.KEPT_GPA_OFF, geo.keptBitmapGpa());
        boot.writeLong(BootBlock.KEPT_BYTES_OFF, geo.keptBitmapBytes());
        boot.writeLong(BootBlock.DISK_GPA_OFF, geo.diskTableGpa());
        boot.writeLong(BootBlock.DISK_PAGES_OFF, geo.diskPages());
        boot.writeInt(BootBlock.PAGES_PER_FILE_OFF, KernelGeometry.PAGES_PER_FILE);
        boot.writeInt(BootBlock.MAX_ORDER_OFF, geo.maxOrder());
        boot.writeLong(BootBlock.KERNEL_AREA_PAGES_OFF, geo.kernelAreaPages());
    }

    private void poisonFreeLists() {
        for (int z = 0; z < KernelGeometry.ZONES; z++) {
            BuddyAllocator.Zone zone = buddy.zone(z);
            for (int order = 0; order <= geo.maxOrder(); order++) {
                for (long idx = zone.head(order); idx != MemMap.NIL; idx = memmap.next(idx)) {
                    mem.fill(geo.pfn(idx) << geo.pageShift(), (long) geo.pageSize() << order, BootOptions.POISON);
                }
            }
        }
    }

    // ------------------------------------------------------------ accessors

    public GuestPhysicalMemory memory() {
        return mem;
    }

    public KernelGeometry geometry() {
        return geo;
    }

    public BootOptions options() {
        return options;
    }

    /** Where guest code runs; pause it to stop every write. */
    public ExecutionGate gate() {
        return gate;
    }

    public PageCache pageCache() {
        return pageCache;
    }

    /** Allocations that found a poisoned free page changed (a corruption Linux reports as "pagealloc: memory corruption"). */
    public long poisonCorruptions() {
        return poisonCorruptions.get();
    }

    /** Allocations that failed for want of memory after reclaim. */
    public long allocationFailures() {
        return allocationFailures.get();
    }

    public long freePages() {
        return buddy.freePages();
    }

    public long anonPages() {
        return buddy.statePages(MemMap.ANON);
    }

    public long hintPages() {
        return buddy.statePages(MemMap.HINT);
    }

    // ------------------------------------------------------------ page frames

    /**
     * Allocates {@code 2^order} pages with the boot options applied and reclaim under pressure
     * (none for {@link BuddyAllocator.Kind#HINT}); returns the dense index or -1.
     */
    long allocFrames(int order, BuddyAllocator.Kind kind, int state, long owner) {
        long idx = -1;
        for (int attempt = 0; idx < 0; attempt++) {
            idx = state == MemMap.ANON && order > 0
                    ? buddy.allocSplit(order, kind, state, 0, owner)
                    : buddy.alloc(order, kind, state, 0, owner);
            if (idx >= 0) {
                break;
            }
            if (kind == BuddyAllocator.Kind.HINT || attempt == 2) {
                if (kind != BuddyAllocator.Kind.HINT) {
                    allocationFailures.incrementAndGet();
                }
                return -1;
            }
            long need = Math.max(32, 1L << order);
            if (attempt == 0) {
                pageCache.reclaim(need);
            } else {
                for (Shrinker s : shrinkers) {
                    s.shrink(need);
                }
            }
        }
        prepareAllocated(idx, order, state);
        return idx;
    }

    /** Page poisoning's check, then init-on-alloc's zeroing, of freshly allocated pages. */
    private void prepareAllocated(long idx, int order, int state) {
        long gpa = geo.pfn(idx) << geo.pageShift();
        long bytes = (long) geo.pageSize() << order;
        if (options.pagePoison()) {
            checkPoison(idx, order);
        }
        boolean zero = options.initOnAlloc() || state == MemMap.KERNEL;
        if (zero) {
            mem.fill(gpa, bytes, (byte) 0);
        }
        if (zero && (state == MemMap.ANON || state == MemMap.CACHE)) {
            for (long i = 0; i < 1L << order; i++) {
                memmap.setChecksum(idx + i, zeroPageChecksum);
                memmap.setWord0(idx + i, memmap.word0(idx + i) | (long) MemMap.CONTENT_KNOWN << 16);
            }
        }
    }

    private void checkPoison(long idx, int order) {
        long word = (BootOptions.POISON & 0xffL) * 0x0101010101010101L;
        for (long i = 0; i < 1L << order; i++) {
            ByteBuffer page = mem.viewPhysical(geo.pfn(idx + i) << geo.pageShift(), geo.pageSize());
            for (int at = 0; at < geo.pageSize(); at += 8) {
                if (page.getLong(at) != word) {
                    poisonCorruptions.incrementAndGet();
                    LOG.warn("pagealloc: memory corruption: free page at PFN 0x{} lost its poison at byte {}",
                            Long.toHexString(geo.pfn(idx + i)), at);
                    break;
                }
            }
        }
    }

    /** Frees {@code 2^order} pages at {@code idx} with init-on-free or poisoning applied. */
    void freeFrames(long idx, int order) {
        long gpa = geo.pfn(idx) << geo.pageShift();
        long bytes = (long) geo.pageSize() << order;
        if (options.pagePoison()) {
            mem.fill(gpa, bytes, BootOptions.POISON);
        } else if (options.initOnFree()) {
            mem.fill(gpa, bytes, (byte) 0);
        }
        buddy.free(idx, order);
    }

    /**
     * Writes a whole page and records its checksum: the data first, then the metadata, so a page
     * whose metadata says CONTENT_KNOWN holds what the checksum says once the operation is done.
     */
    void writeContent(long idx, byte[] page, long checksum, int extraFlags) {
        mem.writeBytes(geo.pfn(idx) << geo.pageShift(), page, 0, geo.pageSize());
        memmap.setChecksum(idx, checksum);
        long w = memmap.word0(idx);
        long now = w | (long) (MemMap.CONTENT_KNOWN | extraFlags) << 16;
        if (now != w) {
            memmap.setWord0(idx, now);
        }
    }

    // ------------------------------------------------------------ anonymous memory, for workloads

    /** An anonymous page for {@code vcpu}; its content is undefined until written (unless init-on-alloc). PFN or -1. */
    public long allocAnon(int vcpu) {
        return allocAnonBlock(vcpu, 0);
    }

    /**
     * {@code 2^order} contiguous anonymous pages, each independent (freed one by one); returns the
     * first PFN or -1.
     */
    public long allocAnonBlock(int vcpu, int order) {
        long idx = allocFrames(order, BuddyAllocator.Kind.USER, MemMap.ANON, vcpu);
        return idx < 0 ? -1 : geo.pfn(idx);
    }

    /** Writes anonymous page {@code pfn} whole (the first write of a page must be whole). */
    public void writeAnonPage(long pfn, byte[] page) {
        long idx = anonIndex(pfn);
        writeContent(idx, page, PageChecksum.of(page, 0, geo.pageSize()), 0);
    }

    /**
     * Writes {@code len} bytes at {@code offset} of anonymous page {@code pfn}, whose content must
     * be known (written whole before, or zeroed by init-on-alloc). The checksum is updated from the
     * words the write changes alone.
     */
    public void writeAnonBytes(long pfn, int offset, byte[] src, int off, int len) {
        long idx = anonIndex(pfn);
        if ((MemMap.flags(memmap.word0(idx)) & MemMap.CONTENT_KNOWN) == 0) {
            throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + " must be written whole first");
        }
        if (offset < 0 || len <= 0 || offset + len > geo.pageSize()) {
            throw new IndexOutOfBoundsException("bytes " + offset + "+" + len + " of a page");
        }
        long gpa = pfn << geo.pageShift();
        int firstWord = offset >>> 3;
        int words = ((offset + len + 7) >>> 3) - firstWord;
        byte[] span = new byte[words << 3];
        mem.readBytes(gpa + ((long) firstWord << 3), span, 0, span.length);
        long delta = 0;
        for (int i = 0; i < words; i++) {
            delta -= PageChecksum.term(firstWord + i, (long) PageChecksum.WORDS.get(span, i << 3));
        }
        System.arraycopy(src, off, span, offset - (firstWord << 3), len);
        for (int i = 0; i < words; i++) {
            delta += PageChecksum.term(firstWord + i, (long) PageChecksum.WORDS.get(span, i << 3));
        }
        mem.writeBytes(gpa + offset, src, off, len);
        memmap.setChecksum(idx, memmap.checksum(idx) + delta);
    }

    /** Frees anonymous page {@code pfn}. */
    public void freeAnon(long pfn) {
        freeFrames(anonIndex(pfn), 0);
    }

    private long anonIndex(long pfn) {
        long idx = geo.index(pfn);
        if (idx < 0 || memmap.stateAt(idx) != MemMap.ANON) {
            throw new IllegalStateException("PFN 0x" + Long.toHexString(pfn) + " is not an anonymous page");
        }
        return idx;
    }

    // ------------------------------------------------------------ HintingSupport

    @Override
    public GuestMemInfo memInfo() {
        gate.enter();
        try {
            return new GuestMemInfo(buddy.freePages(), pageCache.cachedPages(), geo.pfnLimit() - 1, geo.pageSize());
        } finally {
            gate.exit();
        }
    }

    @Override
    public OptionalInt pagePoison() {
        return options.freePageFill();
    }

    @Override
    public void freePageBitmap(boolean dropCleanPageCache, int maxWordsPerPiece, BitmapSink sink) {
        if (maxWordsPerPiece <= 0) {
            throw new IllegalArgumentException("pieces need at least one word");
        }
        if (dropCleanPageCache) {
            dropCleanPageCache();
        }
        long[] piece = new long[maxWordsPerPiece];
        if (kept != null) {
            KeptBitmapReader.stream(kept, gate, piece, sink);
        } else {
            FreeListWalker.stream(geo, buddy, memmap, gate, piece, sink);
        }
    }

    /** Drops the clean page cache in batches, leaving the gate between batches so a pause is not held up. */
    private void dropCleanPageCache() {
        long freed;
        do {
            gate.enter();
            try {
                freed = pageCache.reclaim(1024);
            } finally {
                gate.exit();
            }
        } while (freed == 1024);
    }

    @Override
    public int hintBlockOrder() {
        return geo.maxOrder();
    }

    @Override
    public long takeHintBlock() {
        gate.enter();
        try {
            long idx = allocFrames(geo.maxOrder(), BuddyAllocator.Kind.HINT, MemMap.HINT, 0);
            return idx < 0 ? -1 : geo.pfn(idx);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void returnHintBlock(long firstPfn) {
        gate.enter();
        try {
            long idx = geo.index(firstPfn);
            long w = idx < 0 ? 0 : memmap.word0(idx);
            if (MemMap.state(w) != MemMap.HINT || MemMap.order(w) != geo.maxOrder()) {
                throw new IllegalArgumentException("PFN 0x" + Long.toHexString(firstPfn) + " is not a hint block");
            }
            freeFrames(idx, geo.maxOrder());
        } finally {
            gate.exit();
        }
    }

    /**
     * Gives every hint block recorded in RAM back to the allocator; returns the pages given back.
     * What a guest does first when it is taken up after a migration: the hint driver's blocks are
     * recorded in guest RAM (HINT heads in the memmap, as Linux's driver keeps its list in the
     * pages' own {@code struct page}), and the round they were taken for ended with the migration —
     * QEMU sets DONE before it sends the device state, so a Linux guest gives them back on the
     * destination. Here no device state travels with the RAM, and the driver of the process that
     * took the blocks is gone, so the kernel taken up gives them back itself, before any driver or
     * vCPU runs. Reads only head entries (a block's tails are skipped), so it populates nothing new.
     */
    public long returnHeldHintBlocks() {
        if (hintPages() == 0) {
            return 0;
        }
        long pages = 0;
        long idx = 0;
        while (idx < geo.totalPages()) {
            long w = memmap.word0(idx);
            int state = MemMap.state(w);
            int order = MemMap.order(w);
            if (state == MemMap.HINT && order == geo.maxOrder()) {
                returnHintBlock(geo.pfn(idx));
                pages += 1L << order;
            }
            boolean block = state == MemMap.FREE || state == MemMap.KERNEL || state == MemMap.HINT;
            idx += block && order <= geo.maxOrder() ? 1L << order : 1;
        }
        if (pages > 0) {
            LOG.info("gave back {} pages in {} hint blocks that the hint driver held when the guest stopped", pages,
                    pages >> geo.maxOrder());
        }
        return pages;
    }

    @Override
    public void registerShrinker(Shrinker shrinker) {
        shrinkers.add(shrinker);
    }

    @Override
    public long allocKernelPages(int order) {
        if (order < 0 || order > geo.maxOrder()) {
            throw new IllegalArgumentException("order " + order);
        }
        gate.enter();
        try {
            long idx = allocFrames(order, BuddyAllocator.Kind.KERNEL, MemMap.KERNEL, 0);
            if (idx < 0) {
                throw new IllegalStateException("out of memory for " + (1 << order) + " kernel pages");
            }
            return geo.pfn(idx);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void recordHintQueue(HintQueue q) {
        gate.enter();
        try {
            boot.writeLong(BootBlock.HINT_QUEUE_AVAIL_OFF, q.availRing());
            boot.writeLong(BootBlock.HINT_QUEUE_USED_OFF, q.usedRing());
            boot.writeLong(BootBlock.HINT_QUEUE_SLOTS_OFF, q.commandIdSlots());
            boot.writeInt(BootBlock.HINT_QUEUE_SIZE_OFF, q.size());
            boot.writeLong(BootBlock.HINT_QUEUE_DESC_OFF, q.descTable()); // last: a non-zero table means the rest is there
        } finally {
            gate.exit();
        }
    }

    @Override
    public java.util.Optional<HintQueue> hintQueue() {
        long desc = boot.readLong(BootBlock.HINT_QUEUE_DESC_OFF);
        if (desc == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new HintQueue(desc, boot.readLong(BootBlock.HINT_QUEUE_AVAIL_OFF),
                boot.readLong(BootBlock.HINT_QUEUE_USED_OFF), boot.readLong(BootBlock.HINT_QUEUE_SLOTS_OFF),
                boot.readInt(BootBlock.HINT_QUEUE_SIZE_OFF)));
    }

    @Override
    public DeviceMemory physicalMemory() {
        return physicalMemory;
    }

    // ------------------------------------------------------------ package access for the self-check and tests

    MemMap memmap() {
        return memmap;
    }

    BuddyAllocator buddy() {
        return buddy;
    }
}
