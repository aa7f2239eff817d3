package io.pagehint.x86.tighten;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Layouts no x86 machine has, for the architecture-neutral algorithm: other page sizes, host pages
 * of 16 and 128 guest pages, blocks whose ranges come out of guest-physical order, offsets that
 * disagree modulo 64 pages, block pages that no range maps, reserved ranges inside RAM.
 */
final class GenericCatalogue {

    static final long K = 1L << 10;
    static final long M = 1L << 20;

    private GenericCatalogue() {
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                // an arm64-like guest: RAM from 1 GiB, 64 KiB host pages, a firmware area inside RAM
                Arguments.of("virt 64K host pages", new GuestMemoryLayout("aarch64", "virt", 4096,
                        List.of(new RamBlock(0, "mach-virt.ram", 96 * M, 64 * K, List.of(new RamRange(1L << 30, 96 * M, 0)))),
                        List.of(new ReservedRange((1L << 30) + 40 * K, 20 * K, "firmware")))),
                // three ranges mapped into one block in a different order than their addresses, at odd offsets
                Arguments.of("shuffled ranges", new GuestMemoryLayout("test", "shuffled", 4096,
                        List.of(new RamBlock(0, "ram", 16 * M, 32 * K, List.of(
                                new RamRange(0x10_0000L, 3 * M + 12 * K, 5 * M + 4 * K),
                                new RamRange(0x80_0000L, 5 * M, 4 * K),
                                new RamRange(0x200_0000L, 4 * M, 12 * M)))),
                        List.of(new ReservedRange(0x81_2345L, 10, "a byte or ten")))),
                // a block with pages that nothing maps, beside a DIMM of 2 MiB pages holding two ranges
                Arguments.of("unmapped block pages", new GuestMemoryLayout("test", "sparse", 4096,
                        List.of(new RamBlock(0, "ram", 8 * M, 4 * K, List.of(new RamRange(0, 3 * M, 0), new RamRange(8 * M, M, 5 * M))),
                                new RamBlock(1, "dimm", 8 * M, 2 * M, List.of(
                                        new RamRange(64 * M, 3 * M + 256 * K, 0), new RamRange(80 * M, 4 * M, 4 * M)))),
                        List.of())),
                // 16 KiB guest pages on 2 MiB host pages
                Arguments.of("16K guest pages", new GuestMemoryLayout("aarch64", "virt", 16 * 1024,
                        List.of(new RamBlock(0, "ram", 32 * M, 2 * M, List.of(
                                new RamRange(0x4000_0000L, 19 * M + 16 * K * 3, 0),
                                new RamRange(0x8000_0000L, 13 * M - 16 * K * 3, 19 * M + 16 * K * 3)))),
                        List.of(new ReservedRange(0x4000_0000L + 2 * M, 16 * K, "one page")))));
    }
}
