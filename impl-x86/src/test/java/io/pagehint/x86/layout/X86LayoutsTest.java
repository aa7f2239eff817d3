package io.pagehint.x86.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import io.pagehint.api.memory.ReservedRange;
import io.pagehint.x86.TestLayouts;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers: the RAM splits, relocations and DIMM places that QEMU's sources and comments document. */
class X86LayoutsTest {

    static final long M = 1L << 20;
    static final long G = 1L << 30;
    static final long T = 1L << 40;

    static GuestMemoryLayout layout(String machine, long ram, String... options) {
        return TestLayouts.layout(machine, ram, options);
    }

    static RamBlock pcRam(GuestMemoryLayout l) {
        assertThat(l.blocks().get(0).name()).isEqualTo("pc.ram");
        return l.blocks().get(0);
    }

    /** The RAM below 4 GiB and above it, in bytes, as the pc.ram block maps them. */
    static long[] split(GuestMemoryLayout l) {
        List<RamRange> r = pcRam(l).ranges();
        assertThat(r.get(0).guestPhysAddr()).isZero();
        assertThat(r.get(0).blockOffset()).isZero();
        if (r.size() == 1) {
            return new long[] {r.get(0).length(), 0};
        }
        assertThat(r.get(1).blockOffset()).as("the high part follows the low part in the block").isEqualTo(r.get(0).length());
        return new long[] {r.get(0).length(), r.get(1).length()};
    }

    @Nested
    class Splits {

        /** The examples in the comment of hw/i386/pc_piix.c pc_init1, and the q35 rule of pc_q35_init. */
        @ParameterizedTest(name = "{0} {1} -m {2}M -> {3}M low, {4}M high")
        @CsvSource({
                "pc,  machine-version=1.7,    4096, 3584,  512",
                "pc,  machine-version=latest, 4096, 3072, 1024",
                "pc,  max-ram-below-4g=2G,    4096, 2048, 2048",
                "pc,  max-ram-below-4g=4G,    3968, 3968,    0",
                "pc,  machine-version=2.0,    4096, 3072, 1024",
                "pc,  machine-version=7.2,    8192, 3072, 5120",
                "pc,  machine-version=1.7,    8192, 3584, 4608",
                "pc,  max-ram-below-4g=0,     3584, 3072,  512",
                "pc,  max-ram-below-4g=3G,    3000, 3000,    0",
                "q35, machine-version=latest, 2048, 2048,    0",
                "q35, machine-version=latest, 8192, 2048, 6144",
                "q35, machine-version=latest, 2816, 2048,  768",
                "q35, machine-version=1.7,    4096, 2816, 1280",
                "q35, max-ram-below-4g=1G,    4096, 1024, 3072",
                "q35, max-ram-below-4g=4G,    2815, 2815,    0",
                "q35, max-ram-below-4g=3584M, 2048, 2048,    0",
        })
        void ramSplitsAsQemuDoes(String machine, String option, long ramMiB, long lowMiB, long highMiB) {
            GuestMemoryLayout l = layout(machine, ramMiB * M, option);
            assertThat(split(l)).containsExactly(lowMiB * M, highMiB * M);
            assertThat(l.ramBytes()).isEqualTo(ramMiB * M);
        }

        @Test
        void q35JustBelowTheThresholdKeepsEverythingLow() {
            assertThat(split(layout("q35", 0xb000_0000L - 8192))).containsExactly(0xb000_0000L - 8192, 0);
            assertThat(split(layout("q35", 0xb000_0000L))).containsExactly(2 * G, 0xb000_0000L - 2 * G);
        }

        @Test
        void pcAtTheTraditionalSplitMovesToThreeGigabytes() {
            assertThat(split(layout("pc", 0xe000_0000L - 8192))).containsExactly(0xe000_0000L - 8192, 0);
            assertThat(split(layout("pc", 0xe000_0000L))).containsExactly(3 * G, 512 * M);
        }

        @Test
        void theHighPartStartsAtFourGigabytes() {
            GuestMemoryLayout l = layout("q35", 8 * G);
            assertThat(pcRam(l).ranges()).containsExactly(new RamRange(0, 2 * G, 0), new RamRange(4 * G, 6 * G, 2 * G));
            assertThat(l.pfnLimit()).isEqualTo(10 * G / 4096);
            assertThat(l.machine()).isEqualTo("q35");
            assertThat(l.arch()).isEqualTo("x86_64");
            assertThat(l.guestPageSize()).isEqualTo(4096);
        }

        @Test
        void ramIsRoundedUpToEightKibibytesLikeQemu() {
            assertThat(layout("pc", M + 1).ramBytes()).isEqualTo(M + 8192);
        }
    }

    @Nested
    class HostPages {

        @Test
        void theRamBlockCarriesItsHostPageSize() {
            assertThat(pcRam(layout("q35", 8 * G, "host-page-size=1G")).hostPageSize()).isEqualTo(G);
            assertThat(pcRam(layout("pc", 8 * G, "host-page-size=2M")).hostPageSize()).isEqualTo(2 * M);
            assertThat(pcRam(layout("pc", 8 * G)).hostPageSize()).isEqualTo(4096);
        }

        @Test
        void anOldPcSplitsInsideAGigabytePage() {
            // 3.5 GiB low: the host page at block offset 3 GiB holds guest 3-3.5 GiB and 4-4.5 GiB
            GuestMemoryLayout l = layout("pc", 8 * G, "machine-version=1.7", "host-page-size=1G");
            assertThat(split(l)).containsExactly(3584 * M, 4608 * M);
        }

        @Test
        void ramThatIsNotAWholeNumberOfHostPagesIsRefused() {
            assertThatThrownBy(() -> layout("pc", 1025 * M, "host-page-size=2M"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2M host pages");
        }

        @Test
        void onlyX86PageSizesAreHostPages() {
            assertThatThrownBy(() -> layout("pc", 8 * G, "host-page-size=64K"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4K, 2M or 1G");
        }
    }

    @Nested
    class Amd {

        /** q35 with 978 GiB: 2 GiB low, the rest from 4 GiB to 980 GiB, the 32 GiB PCI window to 1012 GiB - 1. */
        static final long LAST_UNMOVED = 978 * G;

        @Test
        void aGuestWhoseAddressesReachTheHyperTransportRangeMovesToOneTebibyte() {
            GuestMemoryLayout stays = layout("q35", LAST_UNMOVED, "cpu-vendor=amd");
            assertThat(pcRam(stays).ranges().get(1).guestPhysAddr()).isEqualTo(4 * G);
            GuestMemoryLayout moves = layout("q35", LAST_UNMOVED + 8192, "cpu-vendor=amd", "phys-bits=41");
            assertThat(pcRam(moves).ranges().get(1).guestPhysAddr()).isEqualTo(T);
            assertThat(moves.reserved()).contains(new ReservedRange(0xfd_0000_0000L, 12 * G, "AMD HyperTransport"));
        }

        @Test
        void intelGuestsAndOldMachineTypesStayAtFourGigabytes() {
            GuestMemoryLayout intel = layout("q35", LAST_UNMOVED + 8192, "phys-bits=41");
            assertThat(pcRam(intel).ranges().get(1).guestPhysAddr()).isEqualTo(4 * G);
            GuestMemoryLayout old = layout("q35", LAST_UNMOVED + 8192, "cpu-vendor=amd", "machine-version=7.0");
            assertThat(pcRam(old).ranges().get(1).guestPhysAddr()).isEqualTo(4 * G);
            assertThat(old.reserved()).noneMatch(r -> r.description().contains("HyperTransport"));
        }

        @Test
        void aRelocatedGuestNeedsMoreThanFortyPhysicalAddressBits() {
            assertThatThrownBy(() -> layout("q35", LAST_UNMOVED + 8192, "cpu-vendor=amd"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phys-bits");
        }

        @Test
        void aTwoTebibytePcGuestOnAmd() {
            GuestMemoryLayout l = layout("pc", 2 * T, "cpu-vendor=amd", "phys-bits=42");
            assertThat(pcRam(l).ranges()).containsExactly(new RamRange(0, 3 * G, 0), new RamRange(T, 2 * T - 3 * G, 3 * G));
        }
    }

    @Nested
    class Dimms {

        @Test
        void dimmsFollowTheRamAboveFourGigabytesOnAGigabyteBoundary() {
            GuestMemoryLayout l = layout("q35", 8 * G, "dimms=1G,512M");
            assertThat(l.blocks()).hasSize(3);
            RamBlock d0 = l.blocks().get(1);
            RamBlock d1 = l.blocks().get(2);
            assertThat(d0.name()).isEqualTo("dimm0");
            assertThat(d0.ranges()).containsExactly(new RamRange(10 * G, G, 0));
            assertThat(d1.name()).isEqualTo("dimm1");
            assertThat(d1.ranges()).containsExactly(new RamRange(11 * G, 512 * M, 0));
            assertThat(l.ramBytes()).isEqualTo(8 * G + 1536 * M);
        }

        @Test
        void theDeviceRegionStartsAtFourGigabytesWhenAllRamIsLow() {
            GuestMemoryLayout l = layout("pc", 2 * G, "dimms=2M,2M");
            assertThat(l.blocks().get(1).ranges().get(0).guestPhysAddr()).isEqualTo(4 * G);
            assertThat(l.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(4 * G + 2 * M);
        }

        @Test
        void aDimmOfGigabytePagesIsAlignedToAGigabyte() {
            GuestMemoryLayout l = layout("q35", 8 * G, "dimms=2M,1G", "dimm-host-page-size=2M", "maxmem=10G", "slots=2");
            assertThat(l.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(10 * G + 2 * M);
            GuestMemoryLayout huge = layout("q35", 8 * G, "dimms=1G,1G", "dimm-host-page-size=1G");
            assertThat(huge.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(11 * G);
            assertThat(huge.blocks().get(2).hostPageSize()).isEqualTo(G);
            assertThat(pcRam(huge).hostPageSize()).isEqualTo(4096);
        }

        @Test
        void oldMachineTypesAlignDimmsToAPage() {
            GuestMemoryLayout l = layout("pc", 2 * G, "dimms=1M,1M", "machine-version=2.1");
            assertThat(l.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(4 * G + M);
            assertThatThrownBy(() -> layout("pc", 2 * G, "dimms=1M"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alignment 2M");
        }

        @Test
        void qemuRefusesDimmsWithoutSlotsOrRoom() {
            assertThatThrownBy(() -> layout("q35", 8 * G, "dimms=1G,1G", "slots=1", "maxmem=10G"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot");
            assertThatThrownBy(() -> layout("q35", 8 * G, "dimms=1G,1G", "maxmem=9G"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not enough space");
            assertThatThrownBy(() -> layout("q35", 8 * G, "maxmem=4G"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least the initial memory");
            assertThatThrownBy(() -> layout("q35", 8 * G, "slots=2"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("room above");
            assertThatThrownBy(() -> layout("q35", 8 * G, "slots=257", "maxmem=16G"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..256");
        }
    }

    @Nested
    class Reserved {

        @Test
        void theFirstMebibyteHasTheBiosAreas() {
            GuestMemoryLayout l = layout("pc", 2 * G);
            assertThat(l.reserved()).extracting(ReservedRange::guestPhysAddr)
                    .startsWith(0x9fc00L, 0xa0000L, 0xf0000L)
                    .doesNotContain(0xb000_0000L);
            assertThat(l.isUsableRam(0x9f000, 4096)).as("the page holding the EBDA").isFalse();
            assertThat(l.isUsableRam(0x9e000, 4096)).isTrue();
            assertThat(l.isUsableRam(0xc0000, 4096)).isFalse();
            assertThat(l.isUsableRam(0x100000, 4096)).isTrue();
        }

        @Test
        void q35AddsMmconfig() {
            assertThat(layout("q35", 2 * G).reserved()).extracting(ReservedRange::guestPhysAddr).contains(0xb000_0000L, 0xfed1_c000L);
        }

        @Test
        void reservedRangesAreInAddressOrder() {
            List<ReservedRange> r = layout("q35", 2 * T, "cpu-vendor=amd", "phys-bits=42").reserved();
            for (int i = 1; i < r.size(); i++) {
                assertThat(r.get(i).guestPhysAddr()).isGreaterThanOrEqualTo(r.get(i - 1).guestPhysEnd());
            }
        }
    }

    @Nested
    class Refusals {

        @ParameterizedTest
        @CsvSource(delimiter = ';', value = {
                "max-ram-below-4g=5G;         less than or equal to 4G|more than 4G",
                "max-ram-below-4g=0x1001;     multiple of 4K",
                "phys-bits=31;                32..52",
                "machine-version=1.3;         older than 1.4",
                "machine-version=seven;       not a QEMU machine version",
                "cpu-vendor=via;              neither intel nor amd",
                "balloon=on;                  unknown x86 machine option",
                "dimms=0;                     positive size",
                "maxmem=lots;                 not a size",
        })
        void qemuRefusesTheseOptions(String option, String message) {
            String[] alternatives = message.split("\\|");
            assertThatThrownBy(() -> layout("q35", 4 * G, option))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(alternatives).anyMatch(m -> e.getMessage().contains(m.trim())));
        }

        @Test
        void otherArchitecturesAndMachinesAreNotServed() {
            assertThatThrownBy(() -> new X86LayoutProvider().layout(new MachineSpec("aarch64", "virt", G)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aarch64");
            assertThatThrownBy(() -> layout("microvm", G))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pc, q35");
        }

        @Test
        void aTebibyteGuestNeedsMoreThanTheDefaultFortyBits() {
            assertThatThrownBy(() -> layout("q35", T)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raise phys-bits");
            assertThat(layout("q35", T, "phys-bits=41").ramBytes()).isEqualTo(T);
        }
    }
}
