package io.pagehint.api.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The guest-physical memory of a machine as the host lays it out: which guest-physical ranges
 * are RAM, which RAM block and offset each maps to, what is reserved, and the page sizes. A value:
 * two layouts are equal when they describe the same memory.
 *
 * <p>A guest page frame number (PFN) is a guest-physical address divided by
 * {@code guestPageSize}. A <em>loose</em> free-page bitmap is indexed by PFN and spans holes; a
 * <em>tight</em> one is indexed, per RAM block, by page offset in the block, like the migration
 * bitmap and the dirty log.
 *
 * @param arch          CPU architecture as the service properties name it ("x86_64", "aarch64")
 * @param machine       machine type ("pc", "q35", "virt")
 * @param guestPageSize bytes per guest page (4096, or 16/64 KiB on some arm64 guests)
 * @param blocks        RAM blocks, {@code blocks.get(i).index() == i}
 * @param reserved      reserved guest-physical ranges, by ascending address
 */
public record GuestMemoryLayout(String arch, String machine, int guestPageSize, List<RamBlock> blocks,
                                List<ReservedRange> reserved) {

    public GuestMemoryLayout {
        blocks = List.copyOf(blocks);
        reserved = List.copyOf(reserved);
        if (guestPageSize <= 0 || Integer.bitCount(guestPageSize) != 1) {
            throw new IllegalArgumentException("guest page size must be a power of two: " + guestPageSize);
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a layout needs at least one RAM block");
        }
        for (int i = 0; i < blocks.size(); i++) {
            RamBlock b = blocks.get(i);
            if (b.index() != i) {
                throw new IllegalArgumentException("block " + b.name() + " has index " + b.index() + ", expected " + i);
            }
            if (b.hostPageSize() < guestPageSize) {
                throw new IllegalArgumentException(b.name() + ": host pages smaller than guest pages");
            }
            for (RamRange r : b.ranges()) {
                if (r.guestPhysAddr() % guestPageSize != 0 || r.length() % guestPageSize != 0
                        || r.blockOffset() % guestPageSize != 0) {
                    throw new IllegalArgumentException(b.name() + ": range " + r + " is not guest-page aligned");
                }
            }
        }
        List<RamRange> all = new ArrayList<>();
        blocks.forEach(b -> all.addAll(b.ranges()));
        all.sort(Comparator.comparingLong(RamRange::guestPhysAddr));
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).guestPhysAddr() < all.get(i - 1).guestPhysEnd()) {
                throw new IllegalArgumentException("RAM ranges overlap: " + all.get(i - 1) + " and " + all.get(i));
            }
        }
    }

    /** One past the highest guest-physical address backed by RAM. */
    public long guestPhysEnd() {
        long end = 0;
        for (RamBlock b : blocks) {
            for (RamRange r : b.ranges()) {
                end = Math.max(end, r.guestPhysEnd());
            }
        }
        return end;
    }

    /** One past the highest RAM page frame number: the size a loose bitmap needs. */
    public long pfnLimit() {
        return guestPhysEnd() / guestPageSize;
    }

    /** Bytes of RAM in all blocks. */
    public long ramBytes() {
        return blocks.stream().mapToLong(RamBlock::size).sum();
    }

    /** Guest pages in all blocks. */
    public long ramPages() {
        return ramBytes() / guestPageSize;
    }

    /** All RAM ranges of all blocks, by ascending guest-physical address. */
    public List<RamRange> ramRanges() {
        List<RamRange> all = new ArrayList<>();
        blocks.forEach(b -> all.addAll(b.ranges()));
        all.sort(Comparator.comparingLong(RamRange::guestPhysAddr));
        return all;
    }

    /** The block whose range holds {@code gpa}, or null if {@code gpa} is not RAM. */
    public RamBlock blockAt(long gpa) {
        for (RamBlock b : blocks) {
            for (RamRange r : b.ranges()) {
                if (r.containsGuestPhys(gpa)) {
                    return b;
                }
            }
        }
        return null;
    }

    /** Every RAM range as a run of guest pages (where each page frame lives), by ascending PFN. */
    public List<PageRun> ramRuns() {
        List<PageRun> runs = new ArrayList<>();
        for (RamBlock b : blocks) {
            for (RamRange r : b.ranges()) {
                runs.add(new PageRun(r.guestPhysAddr() / guestPageSize, r.guestPhysEnd() / guestPageSize, b.index(),
                        r.blockOffset() / guestPageSize));
            }
        }
        runs.sort(Comparator.comparingLong(PageRun::firstPfn));
        return runs;
    }

    /**
     * The guest's usable RAM, the pages a hint may name and a tightener may mark free: the pages of
     * {@link #ramRuns()} that touch no reserved range (a page partly reserved is reserved), by ascending
     * PFN, each run inside one RAM range. This is the one definition of usable RAM; the channels'
     * checks, the tightener and {@link #isUsableRam} read it.
     */
    public List<PageRun> usableRam() {
        long page = guestPageSize;
        List<long[]> reservedPfns = new ArrayList<>(); // [first, end) of the pages each reserved range touches
        for (ReservedRange rr : reserved) {
            reservedPfns.add(new long[] {rr.guestPhysAddr() / page, (rr.guestPhysEnd() + page - 1) / page});
        }
        reservedPfns.sort(Comparator.comparingLong(a -> a[0]));
        List<PageRun> usable = new ArrayList<>();
        for (PageRun r : ramRuns()) {
            long at = r.firstPfn();
            for (long[] res : reservedPfns) {
                if (res[1] <= at || res[0] >= r.endPfn()) {
                    continue;
                }
                if (res[0] > at) {
                    usable.add(new PageRun(at, res[0], r.block(), r.firstBlockPage() + (at - r.firstPfn())));
                }
                at = Math.max(at, res[1]);
            }
            if (at < r.endPfn()) {
                usable.add(new PageRun(at, r.endPfn(), r.block(), r.firstBlockPage() + (at - r.firstPfn())));
            }
        }
        return usable;
    }

    /**
     * Whether every byte of {@code [gpa, gpa + length)} lies in {@linkplain #usableRam() usable pages}:
     * inside RAM ranges, on no page a reserved range touches, without overflow.
     */
    public boolean isUsableRam(long gpa, long length) {
        if (gpa < 0 || length <= 0 || gpa + length < gpa) {
            return false;
        }
        long at = gpa / guestPageSize;
        long end = (gpa + length - 1) / guestPageSize + 1;
        for (PageRun r : usableRam()) { // by PFN, so one pass follows adjacent runs
            if (r.firstPfn() <= at && at < r.endPfn()) {
                at = r.endPfn();
                if (at >= end) {
                    return true;
                }
            }
        }
        return false;
    }
}
