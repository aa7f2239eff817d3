package io.pagehint.guest.kernel;

import static io.pagehint.reference.testing.TestLayouts.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.guest.kernel.BootOptions.FreeBitmapMode;
import io.pagehint.reference.testing.TestLayouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference guest on QEMU's Arm virt machine (impl-arm64's layouts): RAM from 1 GiB, nothing
 * below it, and the guest page sizes of arm64 kernels, with the buddy orders Linux uses for them.
 * (That buddies merge back up to those orders is in {@link GuestKernelTest}, for every page size.)
 */
class VirtGuestKernelTest {

    @ParameterizedTest(name = "{0}-byte pages: order {1}")
    @CsvSource({"4096, 10", "16384, 11", "65536, 13"})
    void theHighestOrderFollowsThePageSizeAsOnArm64Linux(int pageSize, int order) {
        assertThat(KernelGeometry.maxOrderFor(pageSize)).isEqualTo(order);
        assertThat(new KernelGeometry(TestLayouts.virt(GIB, "guest-page-size=" + pageSize), false).maxOrder()).isEqualTo(order);
    }

    @Test
    void otherPageSizesAreRefused() {
        assertThatThrownBy(() -> KernelGeometry.maxOrderFor(8192)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4, 16 or 64 KiB");
    }

    @ParameterizedTest(name = "{0} pages")
    @ValueSource(strings = {"4K", "16K", "64K"})
    void aVirtGuestBootsWholeAboveOneGibibyteAndReportsNothingBelowIt(String pageSize) {
        try (KernelFixture f = new KernelFixture(TestLayouts.virt(2 * GIB, "guest-page-size=" + pageSize), BootOptions.defaults())) {
            KernelGeometry geo = f.kernel.geometry();
            int ps = geo.pageSize();
            assertThat(geo.bootGpa()).as("1 MiB above the start of RAM").isEqualTo(GIB + (1 << 20));
            GuestMemInfo info = f.kernel.memInfo();
            assertThat(info.pageSize()).isEqualTo(ps);
            assertThat(info.maxPfn()).isEqualTo(3 * GIB / ps - 1);
            assertThat(info.freePages()).as("no reserved pages on virt").isEqualTo(2 * GIB / ps - geo.kernelAreaPages());

            PageBitmap loose = new PageBitmap(geo.pfnLimit());
            f.kernel.freePageBitmap(false, 4096, (firstPfn, words, length) -> loose.orWords(firstPfn >>> 6, words, 0, length));
            assertThat(loose.cardinality()).isEqualTo(info.freePages());
            assertThat(loose.cardinality(0, GIB / ps)).as("nothing below 1 GiB, where virt has no RAM").isZero();

            // RAM [1 GiB, 3 GiB) holds four blocks of 512 MiB; the kernel area breaks the first one up
            if (ps == 65536) {
                assertThat(f.kernel.buddy().zone(KernelGeometry.ZONE_DMA32).count(13)).isEqualTo(3);
            }
            SelfCheckReport r = f.check();
            assertThat(r.problems()).isEmpty();
            assertThat(r.pagesChecked()).isEqualTo(2 * GIB / ps);
        }
    }

    @ParameterizedTest(name = "{0} pages")
    @ValueSource(strings = {"4K", "16K", "64K"})
    void hintBlocksAreBlocksOfTheHighestOrderAndGoBackWhole(String pageSize) {
        BootOptions initOnAlloc = new BootOptions(true, false, false, FreeBitmapMode.KEPT);
        try (KernelFixture f = new KernelFixture(TestLayouts.virt(2 * GIB, "guest-page-size=" + pageSize), initOnAlloc)) {
            int order = f.kernel.hintBlockOrder();
            long blockPages = 1L << order;
            assertThat(order).isEqualTo(f.kernel.geometry().maxOrder());
            long free = f.kernel.freePages();
            f.mem.dirtyLog().clear();
            List<Long> blocks = new ArrayList<>();
            for (long b = f.kernel.takeHintBlock(); b >= 0; b = f.kernel.takeHintBlock()) {
                assertThat(b % blockPages).as("aligned to its order").isZero();
                blocks.add(b);
            }
            assertThat(blocks).isNotEmpty();
            assertThat(f.kernel.hintPages()).isEqualTo(blocks.size() * blockPages);
            assertThat(f.mem.dirtyLog().countDirty(0)).as("zeroing is a write").isGreaterThanOrEqualTo(blocks.size() * blockPages);
            assertThat(f.check().problems()).isEmpty();

            blocks.forEach(f.kernel::returnHintBlock);
            assertThat(f.kernel.freePages()).isEqualTo(free);
            assertThat(f.check().problems()).isEmpty();
        }
    }

    @Test
    void theZonesSplitAtFourGibibytesOnVirtToo() {
        try (KernelFixture f = new KernelFixture(TestLayouts.virt(5 * GIB, "guest-page-size=16K"), BootOptions.defaults())) {
            KernelGeometry geo = f.kernel.geometry();
            long fourG = 4 * GIB / geo.pageSize();
            assertThat(geo.zoneOf(fourG - 1)).isEqualTo(KernelGeometry.ZONE_DMA32);
            assertThat(geo.zoneOf(fourG)).isEqualTo(KernelGeometry.ZONE_NORMAL);
            assertThat(f.kernel.buddy().zone(KernelGeometry.ZONE_NORMAL).managedPages()).as("RAM [4G, 6G)")
                    .isEqualTo(2 * GIB / geo.pageSize());
            assertThat(f.kernel.allocAnon(0)).as("Normal before DMA32, as Linux's zonelist").isGreaterThanOrEqualTo(fourG);
            assertThat(f.check().problems()).isEmpty();
        }
    }
}
