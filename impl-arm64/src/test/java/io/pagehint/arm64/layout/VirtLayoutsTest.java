package io.pagehint.arm64.layout;

import static io.pagehint.arm64.VirtGuests.layout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers: where QEMU's hw/arm/virt.c puts RAM and DIMMs, and what it refuses. */
class VirtLayoutsTest {

    static final long K = 1L << 10;
    static final long M = 1L << 20;
    static final long G = 1L << 30;

    static RamBlock machVirtRam(GuestMemoryLayout l) {
        RamBlock b = l.blocks().get(0);
        assertThat(b.name()).isEqualTo("mach-virt.ram");
        return b;
    }

    @Nested
    class Ram {

        @ParameterizedTest(name = "-m {0}M: RAM from 1G, one range")
        @CsvSource({"128", "2048", "3072", "8192", "261120", "307200"})
        void allRamIsOneRangeFromOneGibibyte(long mib) {
            GuestMemoryLayout l = layout(mib * M);
            assertThat(machVirtRam(l).ranges()).containsExactly(new RamRange(G, mib * M, 0));
            assertThat(l.blocks()).hasSize(1);
            assertThat(l.reserved()).isEmpty();
            assertThat(l.arch()).isEqualTo("aarch64");
            assertThat(l.machine()).isEqualTo("virt");
            assertThat(l.pfnLimit()).as("every PFN below 1 GiB is a hole").isEqualTo((G + mib * M) / 4096);
        }

        @Test
        void ramIsRoundedUpToEightKibibytesLikeQemu() {
            assertThat(layout(M + 1).ramBytes()).isEqualTo(M + 8 * K);
        }

        @Test
        void withoutHighmemTheGuestHasThreeGibibytesAtMost() {
            assertThat(layout(3 * G, "highmem=off").ramBytes()).isEqualTo(3 * G);
            assertThatThrownBy(() -> layout(3 * G + 8 * K, "highmem=off"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limited to 32 bits").hasMessageContaining("at most 3G");
        }

        @Test
        void theTopOfMemoryMustFitTheIpaSize() {
            // 1 GiB below RAM plus 1023 GiB of RAM end exactly at 2^40
            assertThat(layout(1023 * G).guestPhysEnd()).isEqualTo(1L << 40);
            assertThatThrownBy(() -> layout(1023 * G + 8 * K))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limited to 40 bits").hasMessageContaining("raise ipa-bits");
            assertThat(layout(1023 * G + 8 * K, "ipa-bits=41").ramBytes()).isEqualTo(1023 * G + 8 * K);
        }

        @Test
        void theMmioSwitchesAboveRamNeverMoveRam() {
            assertThat(layout(300 * G, "highmem-mmio=off", "highmem-ecam=no", "highmem-redists=off", "compact-highmem=on"))
                    .isEqualTo(layout(300 * G));
        }
    }

    @Nested
    class PageSizes {

        @Test
        void aGuestOfSixtyFourKibibytePagesCountsPfnsInThem() {
            GuestMemoryLayout l = layout(8 * G, "guest-page-size=64K");
            assertThat(l.guestPageSize()).isEqualTo(64 * 1024);
            assertThat(l.pfnLimit()).isEqualTo(9 * G / (64 * K));
            assertThat(machVirtRam(l).hostPageSize()).as("tracked in whole guest pages on a 4K host").isEqualTo(64 * K);
        }

        @Test
        void theRamBlockCarriesItsHostPageSize() {
            assertThat(machVirtRam(layout(8 * G, "host-page-size=512M", "guest-page-size=64K")).hostPageSize()).isEqualTo(512 * M);
            assertThat(machVirtRam(layout(8 * G, "host-page-size=32M", "guest-page-size=16K")).hostPageSize()).isEqualTo(32 * M);
            assertThat(machVirtRam(layout(8 * G)).hostPageSize()).isEqualTo(4 * K);
        }

        @Test
        void ramThatIsNotAWholeNumberOfPagesIsRefused() {
            assertThatThrownBy(() -> layout(G + 8 * K, "guest-page-size=64K"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64K guest pages");
            assertThatThrownBy(() -> layout(G + 2 * M, "host-page-size=512M"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512M host pages");
        }
    }

    @Nested
    class Dimms {

        @Test
        void dimmsGoFromTheFirstGibibyteBoundaryAboveRam() {
            GuestMemoryLayout l = layout(8 * G, "dimms=1G,512M");
            assertThat(l.blocks()).extracting(RamBlock::name).containsExactly("mach-virt.ram", "dimm0", "dimm1");
            assertThat(l.blocks().get(1).ranges()).containsExactly(new RamRange(9 * G, G, 0));
            assertThat(l.blocks().get(2).ranges()).containsExactly(new RamRange(10 * G, 512 * M, 0));
            GuestMemoryLayout odd = layout(8 * G + 2 * M, "dimms=2M");
            assertThat(odd.blocks().get(1).ranges().get(0).guestPhysAddr()).isEqualTo(10 * G);
        }

        @Test
        void aDimmIsAlignedToItsBackendsPages() {
            GuestMemoryLayout l = layout(8 * G, "dimms=2M,1G", "dimm-host-page-size=2M");
            assertThat(l.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(9 * G + 2 * M);
            GuestMemoryLayout huge = layout(8 * G, "dimms=1G,1G", "dimm-host-page-size=1G", "guest-page-size=64K");
            assertThat(huge.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(10 * G);
            assertThat(huge.blocks().get(2).hostPageSize()).isEqualTo(G);
            assertThat(machVirtRam(huge).hostPageSize()).isEqualTo(64 * K);
        }

        @Test
        void theSlackPerSlotIsAGibibyteSoDimmsOfLargerPagesCanRunOutOfRoom() {
            // device memory from 2049G, 48G for maxmem and 1G for each of 2 slots: to 2099G. The 16G DIMM goes
            // to 2064G (aligned), the 32G one would start at 2080G and end past the region.
            assertThatThrownBy(() -> layout(2048 * G, "ipa-bits=42", "dimms=16G,32G", "dimm-host-page-size=16G", "slots=2"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimm1: could not find a position");
            GuestMemoryLayout roomy = layout(2048 * G, "ipa-bits=42", "dimms=16G,32G", "dimm-host-page-size=16G", "slots=2",
                    "maxmem=2200G");
            assertThat(roomy.blocks().get(1).ranges().get(0).guestPhysAddr()).isEqualTo(2064 * G);
            assertThat(roomy.blocks().get(2).ranges().get(0).guestPhysAddr()).isEqualTo(2080 * G);
        }

        @Test
        void qemuRefusesDimmsItCannotPlug() {
            assertThatThrownBy(() -> layout(8 * G, "dimms=1G", "acpi=off"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing acpi-ged");
            assertThatThrownBy(() -> layout(8 * G, "dimms=1M"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 2M");
            assertThatThrownBy(() -> layout(8 * G, "dimms=1G,1G", "slots=1", "maxmem=10G"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot");
            assertThatThrownBy(() -> layout(8 * G, "dimms=1G,1G", "maxmem=9G"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not enough space");
        }

        @Test
        void theDeviceMemoryCountsTowardsTheIpaSize() {
            // device memory from 9G: 992G for maxmem, 4G for the slots, so the top is at 1005G
            assertThat(layout(8 * G, "maxmem=1000G", "slots=4").ramBytes()).isEqualTo(8 * G);
            assertThatThrownBy(() -> layout(8 * G, "maxmem=1020G", "slots=4"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limited to 40 bits").hasMessageContaining("device memory");
        }
    }

    @Nested
    class Refusals {

        @ParameterizedTest
        @CsvSource(delimiter = ';', value = {
                "guest-page-size=8K;      4K, 16K or 64K",
                "host-page-size=128K;     an arm64 host page",
                "ipa-bits=31;             32..52",
                "ipa-bits=53;             32..52",
                "ipa-bits=forty;          not a whole number",
                "highmem=maybe;           on or off",
                "highmem-mmio=perhaps;    on or off",
                "acpi=sometimes;          on or off",
                "gic-version=3;           unknown virt machine option",
                "maxmem=4G;               at least the initial memory",
                "slots=2;                 room above",
                "slots=257;               0..256",
                "maxmem=lots;             not a size",
                "dimms=0;                 0 bytes",
        })
        void qemuRefusesTheseOptions(String option, String message) {
            assertThatThrownBy(() -> layout(8 * G, option)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message.trim());
        }

        @Test
        void otherArchitecturesAndMachinesAreNotServed() {
            assertThatThrownBy(() -> new VirtLayoutProvider().layout(new MachineSpec("x86_64", "q35", G)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x86_64");
            assertThatThrownBy(() -> new VirtLayoutProvider().layout(new MachineSpec("aarch64", "sbsa-ref", G)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("known: virt");
        }
    }
}
