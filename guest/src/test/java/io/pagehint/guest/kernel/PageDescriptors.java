package io.pagehint.guest.kernel;

import io.pagehint.api.bitmap.PageBitmap;

/**
 * A test oracle for "which pages are free": the page descriptors (the memmap), read entry by entry.
 * Every hint path reads something else — the buddy free lists ({@code FreeListWalker}), the kept
 * bitmap ({@code KeptBitmapReader}) or the taken hint blocks — so a test that expects what those
 * paths report can hold them against this without trusting the code under test. A free block's
 * head says FREE and its order; its other pages say TAIL.
 */
public final class PageDescriptors {

    private PageDescriptors() {
    }

    /** The pages the descriptors say are free now, by PFN. Read it while the guest is quiet. */
    public static PageBitmap freePages(GuestKernel kernel) {
        return pagesIn(kernel, MemMap.FREE);
    }

    /** The pages the kernel holds for itself (its own allocations, such as a kept bitmap), by PFN. */
    public static PageBitmap kernelPages(GuestKernel kernel) {
        return pagesIn(kernel, MemMap.KERNEL);
    }

    private static PageBitmap pagesIn(GuestKernel kernel, int state) {
        KernelGeometry geo = kernel.geometry();
        MemMap memmap = kernel.memmap();
        PageBitmap pages = new PageBitmap(geo.pfnLimit());
        for (long idx = 0; idx < geo.totalPages(); idx++) {
            long word0 = memmap.word0(idx);
            if (MemMap.state(word0) == state) {
                long pfn = geo.pfn(idx);
                long count = 1L << MemMap.order(word0);
                pages.setRange(pfn, pfn + count);
                idx += count - 1; // the block's other pages are its tails
            }
        }
        return pages;
    }
}
