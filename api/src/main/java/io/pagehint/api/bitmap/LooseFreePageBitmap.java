package io.pagehint.api.bitmap;

import io.pagehint.api.memory.GuestMemoryLayout;

/**
 * The guest's free pages as the guest sees them: bit {@code pfn} is set when guest page frame
 * {@code pfn} is free. Indexed by page frame number, so it spans the holes of the guest-physical
 * address space; a {@code BitmapTightener} turns it into a {@link TightFreePageBitmap}.
 * Guest data: a set bit is a claim, checked before use.
 */
public final class LooseFreePageBitmap {

    private final PageBitmap bits;
    private final int guestPageSize;

    /** An empty loose bitmap for PFNs {@code [0, pfnLimit)}. */
    public LooseFreePageBitmap(long pfnLimit, int guestPageSize) {
        if (guestPageSize <= 0 || Integer.bitCount(guestPageSize) != 1) {
            throw new IllegalArgumentException("guest page size must be a power of two: " + guestPageSize);
        }
        this.bits = new PageBitmap(pfnLimit);
        this.guestPageSize = guestPageSize;
    }

    /** An empty loose bitmap covering every RAM page of {@code layout}. */
    public static LooseFreePageBitmap forLayout(GuestMemoryLayout layout) {
        return new LooseFreePageBitmap(layout.pfnLimit(), layout.guestPageSize());
    }

    /** The bits, indexed by PFN. */
    public PageBitmap bits() {
        return bits;
    }

    /** One past the highest PFN this bitmap can hold. */
    public long pfnLimit() {
        return bits.size();
    }

    public int guestPageSize() {
        return guestPageSize;
    }

    @Override
    public String toString() {
        return "LooseFreePageBitmap[pfnLimit=" + pfnLimit() + ", free=" + bits.cardinality() + "]";
    }
}
