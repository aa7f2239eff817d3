package io.pagehint.runtime.layout;

import static io.pagehint.runtime.layout.Layouts.G;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import io.pagehint.runtime.layout.MemoryMap.Kind;
import io.pagehint.runtime.layout.MemoryMap.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryMapTest {

    @Test
    void aQ35GuestIsRamThenTheLegacyAreaThenRamThenThePciHoleThenRamAboveFourGiB() {
        List<Row> rows = MemoryMap.of(Layouts.q35WithDimm());

        assertThat(rows).extracting(Row::start, Row::end, Row::kind, r -> r.block() == null ? null : r.block().name(),
                        Row::blockOffset, Row::description)
                .containsExactly(
                        tuple(0L, 0xa0000L, Kind.RAM, "pc.ram", 0L, ""),
                        tuple(0xa0000L, 0x100000L, Kind.RESERVED, "pc.ram", 0xa0000L, "legacy VGA and BIOS"),
                        tuple(0x100000L, 2 * G, Kind.RAM, "pc.ram", 0x100000L, ""),
                        tuple(2 * G, 4 * G, Kind.HOLE, null, -1L, ""),
                        // pc.ram's high part and dimm0 touch, but are different blocks: two rows
                        tuple(4 * G, 5 * G, Kind.RAM, "pc.ram", 2 * G, ""),
                        tuple(5 * G, 6 * G, Kind.RAM, "dimm0", 0L, ""));
    }

    @Test
    void everyAddressFromZeroToTheTopIsInExactlyOneRow() {
        List<Row> rows = MemoryMap.of(Layouts.q35WithDimm());

        assertThat(rows.get(0).start()).isZero();
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).start()).isEqualTo(rows.get(i - 1).end());
        }
        assertThat(rows.get(rows.size() - 1).end()).isEqualTo(6 * G);
        assertThat(rows.stream().filter(r -> r.kind() != Kind.HOLE).mapToLong(Row::size).sum())
                .isEqualTo(Layouts.q35WithDimm().ramBytes());
    }

    @Test
    void aReservedRangeAboveAllRamEndsTheMapAndAGapBelowRamIsAHole() {
        RamBlock ram = new RamBlock(0, "mach-virt.ram", G, 4096, List.of(new RamRange(G, G, 0)));
        GuestMemoryLayout layout = new GuestMemoryLayout("aarch64", "virt", 4096, List.of(ram),
                List.of(new ReservedRange(4 * G, 0x1000, "firmware")));

        assertThat(MemoryMap.of(layout)).extracting(Row::start, Row::end, Row::kind)
                .containsExactly(
                        tuple(0L, G, Kind.HOLE),
                        tuple(G, 2 * G, Kind.RAM),
                        tuple(2 * G, 4 * G, Kind.HOLE),
                        tuple(4 * G, 4 * G + 0x1000, Kind.RESERVED));
    }

    @Test
    void twoRangesThatAreContiguousInGuestAndBlockAreOneRow() {
        RamBlock ram = new RamBlock(0, "pc.ram", 2 * G, 4096,
                List.of(new RamRange(0, G, 0), new RamRange(G, G, G)));
        GuestMemoryLayout layout = new GuestMemoryLayout("x86_64", "pc", 4096, List.of(ram), List.of());

        assertThat(MemoryMap.of(layout)).extracting(Row::start, Row::end, Row::kind)
                .containsExactly(tuple(0L, 2 * G, Kind.RAM));
    }
}
