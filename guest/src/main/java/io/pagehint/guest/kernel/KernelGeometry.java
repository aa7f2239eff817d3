package io.pagehint.guest.kernel;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.List;

/**
 * The guest kernel's view of its physical memory, derived from the layout alone (as a kernel
 * derives it from the e820 map): the RAM ranges by page frame number, a dense page index over
 * them (the index of a page's entry in the page-metadata array, like Linux's sparse memmap), the
 * two zones, and where the boot block and the kernel's tables go.
 *
 * <p>Two zones, split at 4 GiB: {@link #ZONE_DMA32} holds the PFNs below 4 GiB, {@link #ZONE_NORMAL}
 * the rest. That is x86's DMA32/Normal split, and also what an arm64 kernel makes of QEMU's virt
 * machine, whose RAM starts at 1 GiB: its low zone (named DMA there, arch/arm64/mm/init.c
 * zone_sizes_init and max_zone_phys) then covers all RAM below 4 GiB. Buddy blocks never cross the
 * boundary (4 GiB is aligned to every order).
 *
 * <p>The highest buddy order depends on the page size as in Linux: 10 for 4 KiB pages (4 MiB
 * blocks, x86's MAX_PAGE_ORDER and arm64's), 11 for 16 KiB pages (32 MiB) and 13 for 64 KiB pages
 * (512 MiB), arm64's ARCH_FORCE_MAX_ORDER defaults (arch/arm64/Kconfig), chosen so that the largest
 * block is a PMD-sized huge page or more. Free-page-hint blocks are blocks of that order, as Linux's
 * virtio-balloon driver hints blocks of MAX_PAGE_ORDER.
 */
public final class KernelGeometry {

    public static final int ZONE_DMA32 = 0;
    public static final int ZONE_NORMAL = 1;
    public static final int ZONES = 2;
    /** The highest buddy order any page size has; the zone headers have room for lists up to it. */
    public static final int MAX_SUPPORTED_ORDER = 15;
    /**
     * The boot block sits this far above the start of the lowest RAM range (0x100000 on x86, where
     * Linux's boot protocol loads the kernel; 1 GiB + 1 MiB on QEMU's virt, above the device tree blob
     * QEMU puts at the start of RAM). A multiple of every page size.
     */
    public static final long BOOT_OFFSET = 1L << 20;
    /** Page-cache "files" are this many pages long. */
    public static final int PAGES_PER_FILE = 1024;
    /** Largest dense page index + 1: indices are u32 in RAM and 0xFFFFFFFF means none. */
    static final long MAX_PAGES = 0xFFFF_FFFEL;

    private final GuestMemoryLayout layout;
    private final int pageSize;
    private final int pageShift;
    private final int maxOrder;
    private final long[] rangeStartPfn;
    private final long[] rangeEndPfn;
    private final long[] rangeFirstIndex;
    private final long totalPages;
    private final long pfnLimit;
    private final long zoneBoundaryPfn;
    private final long bootGpa;
    private final long memmapGpa;
    private final long memmapBytes;
    private final long keptBitmapGpa;
    private final long keptBitmapBytes;
    private final long diskTableGpa;
    private final long diskPages;
    private final long kernelAreaBytes;
    private final long fingerprint;

    /**
     * @param keptBitmap whether the kernel keeps a free-page bitmap (design note 4b), which needs
     *                   room in the kernel area
     * @throws IllegalArgumentException when the layout's pages are not 4, 16 or 64 KiB, or it has no
     *                                  usable room for the kernel's tables at the boot block address
     */
    public KernelGeometry(GuestMemoryLayout layout, boolean keptBitmap) {
        this.layout = layout;
        this.pageSize = layout.guestPageSize();
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.maxOrder = maxOrderFor(pageSize);
        List<RamRange> ranges = layout.ramRanges();
        rangeStartPfn = new long[ranges.size()];
        rangeEndPfn = new long[ranges.size()];
        rangeFirstIndex = new long[ranges.size()];
        long index = 0;
        for (int i = 0; i < ranges.size(); i++) {
            rangeStartPfn[i] = ranges.get(i).guestPhysAddr() >>> pageShift;
            rangeEndPfn[i] = ranges.get(i).guestPhysEnd() >>> pageShift;
            rangeFirstIndex[i] = index;
            index += rangeEndPfn[i] - rangeStartPfn[i];
        }
        if (index > MAX_PAGES) {
            throw new IllegalArgumentException("the reference guest supports at most 2^32 - 2 pages of RAM");
        }
        this.totalPages = index;
        this.pfnLimit = layout.pfnLimit();
        this.zoneBoundaryPfn = (4L << 30) >>> pageShift;

        this.bootGpa = ranges.get(0).guestPhysAddr() + BOOT_OFFSET;
        this.memmapGpa = bootGpa + pageSize;
        this.memmapBytes = roundUp(totalPages * MemMap.ENTRY_BYTES);
        this.keptBitmapGpa = keptBitmap ? memmapGpa + memmapBytes : 0;
        this.keptBitmapBytes = keptBitmap ? roundUp(((pfnLimit + 63) >>> 6) * Long.BYTES) : 0;
        long diskFiles = (2 * totalPages + PAGES_PER_FILE - 1) / PAGES_PER_FILE;
        this.diskPages = diskFiles * PAGES_PER_FILE;
        this.diskTableGpa = memmapGpa + memmapBytes + keptBitmapBytes;
        this.kernelAreaBytes = diskTableGpa + roundUp(diskPages * PageCache.DISK_ENTRY_BYTES) - bootGpa;
        if (!layout.isUsableRam(bootGpa, kernelAreaBytes)) {
            throw new IllegalArgumentException("no usable RAM for the kernel's " + (kernelAreaBytes >> 10)
                    + " KiB of tables at 0x" + Long.toHexString(bootGpa) + " in this layout");
        }
        this.fingerprint = fingerprint(layout);
    }

    /**
     * The highest buddy order for pages of {@code pageSize} bytes: 10, 11 or 13.
     *
     * @throws IllegalArgumentException for another page size
     */
    public static int maxOrderFor(int pageSize) {
        return switch (pageSize) {
            case 4096 -> 10;
            case 16384 -> 11;
            case 65536 -> 13;
            default -> throw new IllegalArgumentException("the reference guest runs with 4, 16 or 64 KiB pages, not "
                    + pageSize + "-byte ones");
        };
    }

    private long roundUp(long bytes) {
        return (bytes + pageSize - 1) & -(long) pageSize;
    }

    /** A hash of everything in the layout that the kernel's state depends on. */
    static long fingerprint(GuestMemoryLayout layout) {
        long h = 0x9E3779B97F4A7C15L ^ layout.guestPageSize();
        for (RamBlock b : layout.blocks()) {
            h = PageChecksum.mix(h ^ b.size());
            for (RamRange r : b.ranges()) {
                h = PageChecksum.mix(h ^ r.guestPhysAddr());
                h = PageChecksum.mix(h ^ r.length());
                h = PageChecksum.mix(h ^ r.blockOffset());
            }
        }
        for (ReservedRange r : layout.reserved()) {
            h = PageChecksum.mix(h ^ r.guestPhysAddr());
            h = PageChecksum.mix(h ^ r.length());
        }
        return h;
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    public int pageSize() {
        return pageSize;
    }

    public int pageShift() {
        return pageShift;
    }

    /** The highest buddy order: free lists hold blocks of orders 0 to this, and hint blocks are of it. */
    public int maxOrder() {
        return maxOrder;
    }

    /** Pages of RAM: entries of the page-metadata array. */
    public long totalPages() {
        return totalPages;
    }

    /** One past the highest RAM PFN. */
    public long pfnLimit() {
        return pfnLimit;
    }

    /** The dense index of {@code pfn}, or -1 when {@code pfn} is not RAM. */
    public long index(long pfn) {
        for (int i = 0; i < rangeStartPfn.length; i++) {
            if (pfn >= rangeStartPfn[i] && pfn < rangeEndPfn[i]) {
                return rangeFirstIndex[i] + (pfn - rangeStartPfn[i]);
            }
        }
        return -1;
    }

    /** The PFN of dense index {@code index} (0 <= index < totalPages). */
    public long pfn(long index) {
        for (int i = rangeStartPfn.length - 1; i >= 0; i--) {
            if (index >= rangeFirstIndex[i]) {
                return rangeStartPfn[i] + (index - rangeFirstIndex[i]);
            }
        }
        throw new IndexOutOfBoundsException("page index " + index);
    }

    public int rangeCount() {
        return rangeStartPfn.length;
    }

    public long rangeStartPfn(int range) {
        return rangeStartPfn[range];
    }

    public long rangeEndPfn(int range) {
        return rangeEndPfn[range];
    }

    /** The zone of {@code pfn}. */
    public int zoneOf(long pfn) {
        return pfn < zoneBoundaryPfn ? ZONE_DMA32 : ZONE_NORMAL;
    }

    public long zoneStartPfn(int zone) {
        return zone == ZONE_DMA32 ? 0 : zoneBoundaryPfn;
    }

    public long zoneEndPfn(int zone) {
        return zone == ZONE_DMA32 ? Math.min(zoneBoundaryPfn, pfnLimit) : Math.max(zoneBoundaryPfn, pfnLimit);
    }

    /** Whether any byte of page {@code pfn} is in a reserved range. */
    public boolean isReserved(long pfn) {
        long gpa = pfn << pageShift;
        for (ReservedRange r : layout.reserved()) {
            if (r.overlaps(gpa, pageSize)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any page of {@code [fromPfn, toPfn)} touches a reserved range. */
    public boolean anyReserved(long fromPfn, long toPfn) {
        long gpa = fromPfn << pageShift;
        long len = (toPfn - fromPfn) << pageShift;
        for (ReservedRange r : layout.reserved()) {
            if (r.overlaps(gpa, len)) {
                return true;
            }
        }
        return false;
    }

    /** Guest-physical address of the boot block: the lowest RAM address + {@link #BOOT_OFFSET}. */
    public long bootGpa() {
        return bootGpa;
    }

    public long memmapGpa() {
        return memmapGpa;
    }

    public long memmapBytes() {
        return memmapBytes;
    }

    /** Guest-physical address of the kept free-page bitmap, 0 when the kernel keeps none. */
    public long keptBitmapGpa() {
        return keptBitmapGpa;
    }

    public long keptBitmapBytes() {
        return keptBitmapBytes;
    }

    public long diskTableGpa() {
        return diskTableGpa;
    }

    /** Pages of the modelled disk that backs the page cache. */
    public long diskPages() {
        return diskPages;
    }

    /** Bytes from the boot block to the end of the kernel's tables. */
    public long kernelAreaBytes() {
        return kernelAreaBytes;
    }

    public long kernelAreaPages() {
        return kernelAreaBytes >>> pageShift;
    }

    public long fingerprint() {
        return fingerprint;
    }
}
