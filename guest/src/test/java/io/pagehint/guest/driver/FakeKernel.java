package io.pagehint.guest.driver;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.guest.kernel.HintingSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

/**
 * A stand-in for the guest kernel's hinting seam, for driver tests until the reference kernel is
 * on main: free pages in a bitmap, hint blocks taken from and given back to it, kernel pages for
 * rings from a reserved stretch of RAM, and the guest's physical memory as a real shared mapping.
 * The same seed always gives the same free pages, so a test in another process can know them.
 */
public class FakeKernel implements HintingSupport {

    public static final int BLOCK_ORDER = 10;
    public static final long BLOCK_PAGES = 1L << BLOCK_ORDER;
    /** Kernel pages for rings come from here: 64 pages from 1 MiB up, never free. */
    public static final long KERNEL_PFN = 0x100;
    public static final long KERNEL_PAGES = 64;

    private final GuestMemoryLayout layout;
    private final DeviceMemory memory;
    private final PageBitmap free;
    private final boolean initOnAlloc;
    private final Integer poison;
    private long nextKernelPfn = KERNEL_PFN;
    private final List<Shrinker> shrinkers = new ArrayList<>();
    private long blocksTaken;
    private long blocksReturned;

    public FakeKernel(GuestMemoryLayout layout, DeviceMemory memory, PageBitmap free, boolean initOnAlloc, Integer poison) {
        this.layout = layout;
        this.memory = memory;
        this.free = free;
        this.initOnAlloc = initOnAlloc;
        this.poison = poison;
    }

    /**
     * Free pages as a guest after some work has them: most of RAM in long free stretches, some
     * used pages scattered at random, the legacy area and the kernel's ring pages in use.
     */
    public static PageBitmap freePattern(GuestMemoryLayout layout, long seed, double usedFraction) {
        PageBitmap b = new PageBitmap(layout.pfnLimit());
        for (RamRange r : layout.ramRanges()) {
            b.setRange(r.guestPhysAddr() / 4096, r.guestPhysEnd() / 4096);
        }
        b.clearRange(0, 0x100 + KERNEL_PAGES); // below 1 MiB and the kernel's pages
        Random random = new Random(seed);
        long pages = layout.pfnLimit();
        for (long n = (long) (layout.ramPages() * usedFraction); n > 0; n--) {
            long pfn = (long) (random.nextDouble() * pages);
            b.clear(pfn);
        }
        return b;
    }

    /** A copy of the pages free now. */
    public synchronized PageBitmap freePages() {
        return free.copy();
    }

    @Override
    public synchronized GuestMemInfo memInfo() {
        return new GuestMemInfo(free.cardinality(), 0, layout.pfnLimit() - 1, 4096);
    }

    @Override
    public OptionalInt pagePoison() {
        return poison == null ? OptionalInt.empty() : OptionalInt.of(poison);
    }

    @Override
    public void freePageBitmap(boolean dropCleanPageCache, int maxWordsPerPiece, BitmapSink sink) {
        long[] piece = new long[maxWordsPerPiece];
        for (long w = 0; w < free.wordCount(); w += maxWordsPerPiece) {
            int n = (int) Math.min(maxWordsPerPiece, free.wordCount() - w);
            synchronized (this) {
                for (int i = 0; i < n; i++) {
                    piece[i] = free.word(w + i);
                }
            }
            sink.accept(w * 64, piece, n);
        }
    }

    @Override
    public int hintBlockOrder() {
        return BLOCK_ORDER;
    }

    @Override
    public synchronized long takeHintBlock() {
        for (long pfn = 0; pfn + BLOCK_PAGES <= free.size(); pfn += BLOCK_PAGES) {
            if (free.cardinality(pfn, pfn + BLOCK_PAGES) == BLOCK_PAGES) {
                free.clearRange(pfn, pfn + BLOCK_PAGES);
                blocksTaken++;
                notifyAll();
                if (initOnAlloc) {
                    byte[] zeros = new byte[4096];
                    for (long p = pfn; p < pfn + BLOCK_PAGES; p++) {
                        memory.writeBytes(p * 4096, zeros, 0, zeros.length);
                    }
                }
                return pfn;
            }
        }
        return -1;
    }

    @Override
    public synchronized void returnHintBlock(long firstPfn) {
        if (free.cardinality(firstPfn, firstPfn + BLOCK_PAGES) != 0) {
            throw new IllegalStateException("block " + firstPfn + " returned twice");
        }
        free.setRange(firstPfn, firstPfn + BLOCK_PAGES);
        blocksReturned++;
        notifyAll();
    }

    @Override
    public synchronized void registerShrinker(Shrinker shrinker) {
        shrinkers.add(shrinker);
    }

    /** Memory pressure: asks the shrinkers for {@code pages}; returns what they gave back. */
    public long pressure(long pages) {
        List<Shrinker> s;
        synchronized (this) {
            s = List.copyOf(shrinkers);
        }
        long got = 0;
        for (Shrinker shrinker : s) {
            got += shrinker.shrink(pages - got);
        }
        return got;
    }

    @Override
    public synchronized long allocKernelPages(int order) {
        long pfn = (nextKernelPfn + (1L << order) - 1) & -(1L << order);
        if (pfn + (1L << order) > KERNEL_PFN + KERNEL_PAGES) {
            throw new IllegalStateException("kernel memory exhausted");
        }
        nextKernelPfn = pfn + (1L << order);
        byte[] zeros = new byte[4096];
        for (long p = pfn; p < nextKernelPfn; p++) {
            memory.writeBytes(p * 4096, zeros, 0, zeros.length);
        }
        return pfn;
    }

    @Override
    public DeviceMemory physicalMemory() {
        return memory;
    }

    public synchronized long blocksTaken() {
        return blocksTaken;
    }

    public synchronized long blocksReturned() {
        return blocksReturned;
    }

    /** Waits until the driver holds exactly {@code blocks} hint blocks. */
    public synchronized void awaitBlocksHeld(long blocks, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (blocksHeld() != blocks) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the driver holds " + blocksHeld() + " blocks, expected " + blocks);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Blocks taken and not given back. */
    public synchronized long blocksHeld() {
        return blocksTaken - blocksReturned;
    }
}
