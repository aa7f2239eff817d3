package io.pagehint.runtime.layout;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A guest's physical address space as a BIOS e820 table shows it: from 0 to the end of the last
 * RAM or reserved range, every address in exactly one row, ordered by address. A reserved range
 * wins over RAM beneath it; what is neither is a hole.
 */
public final class MemoryMap {

    /** What a stretch of guest-physical addresses is. */
    public enum Kind {
        RAM, RESERVED, HOLE;

        /** Lower case, as the text and JSON outputs name it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One stretch {@code [start, end)} of one kind.
     *
     * @param block       the RAM block behind it (RAM, and reserved ranges over RAM), else null
     * @param blockOffset where {@code start} lies in {@code block}; -1 without a block
     * @param description what a reserved range is for; empty otherwise
     */
    public record Row(long start, long end, Kind kind, RamBlock block, long blockOffset, String description) {

        public long size() {
            return end - start;
        }

        /** Whether {@code next} continues this row: same kind, same reason, and contiguous in the same block. */
        boolean continuedBy(Row next) {
            if (next.start != end || next.kind != kind || !next.description.equals(description)
                    || !Objects.equals(next.block, block)) {
                return false;
            }
            return block == null || next.blockOffset == blockOffset + size();
        }

        Row extendedTo(long newEnd) {
            return new Row(start, newEnd, kind, block, blockOffset, description);
        }
    }

    private MemoryMap() {
    }

    /** The rows of {@code layout}'s map. */
    public static List<Row> of(GuestMemoryLayout layout) {
        TreeSet<Long> cuts = new TreeSet<>();
        cuts.add(0L);
        for (RamBlock b : layout.blocks()) {
            for (RamRange r : b.ranges()) {
                cuts.add(r.guestPhysAddr());
                cuts.add(r.guestPhysEnd());
            }
        }
        for (ReservedRange r : layout.reserved()) {
            cuts.add(r.guestPhysAddr());
            cuts.add(r.guestPhysEnd());
        }
        List<Row> rows = new ArrayList<>();
        Long from = cuts.first();
        for (Long to : cuts.tailSet(from, false)) {
            // no cut falls inside [from, to), so each range covers all of it or none of it
            Row row = classify(layout, from, to);
            int last = rows.size() - 1;
            if (last >= 0 && rows.get(last).continuedBy(row)) {
                rows.set(last, rows.get(last).extendedTo(to));
            } else {
                rows.add(row);
            }
            from = to;
        }
        return rows;
    }

    private static Row classify(GuestMemoryLayout layout, long start, long end) {
        RamBlock block = null;
        long offset = -1;
        for (RamBlock b : layout.blocks()) {
            for (RamRange r : b.ranges()) {
                if (r.containsGuestPhys(start)) {
                    block = b;
                    offset = r.blockOffset() + (start - r.guestPhysAddr());
                }
            }
        }
        for (ReservedRange r : layout.reserved()) {
            if (r.overlaps(start, end - start)) {
                return new Row(start, end, Kind.RESERVED, block, offset, r.description());
            }
        }
        return new Row(start, end, block == null ? Kind.HOLE : Kind.RAM, block, offset, "");
    }
}
