package io.pagehint.guest.kernel;

import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.vm.DeviceMemory;
import java.util.OptionalInt;

/**
 * What the reference guest's kernel offers its free-page-hint drivers: the seam between the guest
 * kernel model (this package) and the guest ends of the channels ({@code io.pagehint.guest.driver.*}).
 * The kernel implements it; drivers use nothing else of the kernel.
 *
 * <p>All methods are safe to call from a driver thread while vCPU threads run.
 */
public interface HintingSupport {

    /** Section 7a: free pages, page-cache pages, highest PFN, page size, as of now. */
    GuestMemInfo memInfo();

    /**
     * The byte free pages hold when the guest poisons them (page poisoning; 0 with init-on-free),
     * empty when free pages keep whatever was last written.
     */
    OptionalInt pagePoison();

    /**
     * Section 4 of the design note: the loose free-page bitmap (bit = PFN), built by walking the
     * free lists (4a) or copied from the bitmap kept up to date on every allocation and free (4b),
     * as the guest was booted. Optionally drops the clean page cache first (section 6). Handed
     * to {@code sink} in ascending PFN order, in pieces of at most {@code maxWordsPerPiece} words, as
     * they are built, so the first piece leaves before the last is built. Pages allocated while
     * this runs may still be reported free; the host's dirty log covers them.
     */
    void freePageBitmap(boolean dropCleanPageCache, int maxWordsPerPiece, BitmapSink sink);

    /** Receives one piece of the loose bitmap. */
    @FunctionalInterface
    interface BitmapSink {
        /**
         * Bit {@code b} of {@code words[i]} (for {@code i < length}) marks PFN {@code firstPfn + 64 i + b}.
         * {@code firstPfn} is a multiple of 64. The array may be reused once this returns.
         */
        void accept(long firstPfn, long[] words, int length);
    }

    /** The order of blocks handed out by {@link #takeHintBlock()}: the kernel's highest (10, 4 MiB of 4 KiB pages; 13, 512 MiB of 64 KiB pages). */
    int hintBlockOrder();

    /**
     * Takes a free block of {@link #hintBlockOrder()} off the free lists for the virtio
     * free-page-hint driver, as Linux's driver does with {@code alloc_pages(__GFP_NORETRY, order)}:
     * no reclaim, no reserve. With init-on-alloc the block is zeroed first (a guest write like any
     * other). Returns its first PFN, or -1 when no such block is free.
     */
    long takeHintBlock();

    /** Gives a block from {@link #takeHintBlock()} back to the allocator. */
    void returnHintBlock(long firstPfn);

    /**
     * Registers the driver's shrinker: when an allocation finds no free memory, the kernel asks it
     * to give back up to {@code pages} pages (whole hint blocks) before failing, as Linux's
     * virtio-balloon shrinker does. The shrinker returns how many pages it gave back.
     */
    void registerShrinker(Shrinker shrinker);

    /** Gives back hinted memory under pressure. */
    @FunctionalInterface
    interface Shrinker {
        long shrink(long pages);
    }

    /**
     * Allocates {@code 2^order} contiguous pages of kernel memory (for a driver's virtqueue rings),
     * zeroed; returns the first PFN. They are never freed to the buddy allocator while the driver lives.
     *
     * @throws IllegalStateException when memory is exhausted
     */
    long allocKernelPages(int order);

    /**
     * Where the virtio driver's free page queue lives, in kernel pages it took with
     * {@link #allocKernelPages}: its descriptor table, available and used rings, its two 4-byte
     * command-id slots (the id being acknowledged, then STOP), and its size; size 0 (and no rings)
     * while the driver rewrites the rings, whose pages stay recorded as {@code descTable}.
     */
    record HintQueue(long descTable, long availRing, long usedRing, long commandIdSlots, int size) {
    }

    /**
     * Records the driver's queue in the kernel's state in guest RAM, as a Linux driver's virtqueue
     * is reachable from kernel memory: the self-check then checks the ring, and a kernel taken up
     * after a migration gives the driver the same pages back ({@link #hintQueue()}) instead of
     * taking new ones.
     */
    void recordHintQueue(HintQueue queue);

    /** The queue recorded in guest RAM by this or an earlier run of the driver, if any. */
    java.util.Optional<HintQueue> hintQueue();

    /** The guest's own access to its physical memory; every write goes through the logged write path. */
    DeviceMemory physicalMemory();
}
