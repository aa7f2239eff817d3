package io.pagehint.runtime.layout;

import static io.pagehint.runtime.format.ByteSizes.format;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import java.io.PrintWriter;

/** A layout for people: the e820-like map, then the RAM blocks with their guest-physical ranges. */
public final class LayoutText {

    private static final String ADDR = "0x%016x";

    private LayoutText() {
    }

    public static void print(GuestMemoryLayout layout, PrintWriter out) {
        out.printf("%s %s: %s of RAM in %d block%s, guest page %s%n", layout.arch(), layout.machine(),
                format(layout.ramBytes()), layout.blocks().size(), layout.blocks().size() == 1 ? "" : "s",
                format(layout.guestPageSize()));
        out.println();
        out.println("Guest-physical map (END is exclusive)");
        out.printf("  %-18s  %-18s  %12s  %-8s  %s%n", "START", "END", "SIZE", "TYPE", "DETAIL");
        for (MemoryMap.Row row : MemoryMap.of(layout)) {
            out.printf("  " + ADDR + "  " + ADDR + "  %12s  %-8s  %s%n", row.start(), row.end(), format(row.size()),
                    row.kind().label(), detail(row));
        }
        out.println();
        out.println("RAM blocks");
        out.printf("  %-3s  %-16s  %10s  %10s%n", "#", "BLOCK", "SIZE", "HOST PAGE");
        for (RamBlock b : layout.blocks()) {
            out.printf("  %-3d  %-16s  %10s  %10s%n", b.index(), b.name(), format(b.size()), format(b.hostPageSize()));
            for (RamRange r : b.ranges()) {
                out.printf("         guest " + ADDR + "-" + ADDR + "  %10s  at block offset 0x%x%n",
                        r.guestPhysAddr(), r.guestPhysEnd(), format(r.length()), r.blockOffset());
            }
        }
    }

    private static String detail(MemoryMap.Row row) {
        String where = row.block() == null ? "" : row.block().name() + " +0x" + Long.toHexString(row.blockOffset());
        return switch (row.kind()) {
            case RAM -> where;
            case RESERVED -> row.description() + (where.isEmpty() ? "" : " (over " + where + ")");
            case HOLE -> "";
        };
    }
}
