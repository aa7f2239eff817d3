package io.pagehint.guest.kernel;

import static io.pagehint.reference.testing.TestLayouts.GIB;
import static io.pagehint.reference.testing.TestLayouts.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemInfo;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.guest.kernel.BootOptions.FreeBitmapMode;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.ram.RamFileLayout;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.reference.testing.TestLayouts;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GuestKernelTest {

    private static final BootOptions PLAIN = BootOptions.defaults();

    @Test
    void aFreshlyBootedGuestIsWholeAndHoldsAlmostNoMemory() throws Exception {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(256 * MIB), PLAIN)) {
            GuestMemInfo info = f.kernel.memInfo();
            long pages = 256 * MIB / 4096;
            long reserved = 0x60400 / 4096 + 1; // 0x9f000-0xfffff
            assertThat(info.freePages()).isEqualTo(pages - reserved - f.kernel.geometry().kernelAreaPages());
            assertThat(info.maxPfn()).isEqualTo(pages - 1);

            long populated = ShmDir.allocatedBytes(f.ramFile());
            assertThat(populated).as("boot writes metadata, not free pages").isLessThan(512 * 1024);

            SelfCheckReport r = f.check();
            assertThat(r.problems()).isEmpty();
            assertThat(r.passed()).isTrue();
            assertThat(r.pagesChecked()).isEqualTo(pages);
            assertThat(r.freePages()).isEqualTo(info.freePages());
            assertThat(ShmDir.allocatedBytes(f.ramFile())).as("the check skips unwritten metadata").isEqualTo(populated);
        }
    }

    /** Guests of every page size: an x86-like one, and QEMU virt ones of 16 and 64 KiB pages (buddy orders up to 11 and 13). */
    static Stream<Arguments> pageSizes() {
        return Stream.of(
                Arguments.of("q35-like, 4 KiB pages", TestLayouts.small(64 * MIB), 3000),
                Arguments.of("virt, 16 KiB pages", TestLayouts.virt(GIB, "guest-page-size=16K"), 800),
                Arguments.of("virt, 64 KiB pages", TestLayouts.virt(GIB, "guest-page-size=64K"), 600));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pageSizes")
    void freeingEverythingMergesTheBuddiesBackToTheBootFreeLists(String name, GuestMemoryLayout layout, int allocations) {
        try (KernelFixture f = new KernelFixture(layout, PLAIN)) {
            long[] bootCounts = counts(f.kernel);
            long bootFree = f.kernel.freePages();
            SplittableRandom rnd = new SplittableRandom(7);
            List<Long> pages = new ArrayList<>();
            byte[] content = new byte[layout.guestPageSize()];
            for (int i = 0; i < allocations; i++) {
                int order = rnd.nextInt(3);
                long first = f.kernel.allocAnonBlock(0, order);
                assertThat(first).isNotNegative();
                for (long pfn = first; pfn < first + (1 << order); pfn++) {
                    rnd.nextBytes(content);
                    f.kernel.writeAnonPage(pfn, content);
                    pages.add(pfn);
                }
            }
            assertThat(f.kernel.freePages()).isEqualTo(bootFree - pages.size());
            assertThat(f.check().problems()).isEmpty();
            java.util.Collections.shuffle(pages, new java.util.Random(1));
            pages.forEach(f.kernel::freeAnon);

            assertThat(f.kernel.anonPages()).isZero();
            assertThat(f.kernel.freePages()).isEqualTo(bootFree);
            assertThat(counts(f.kernel)).as("every buddy merged back").isEqualTo(bootCounts);
            assertThat(f.check().problems()).isEmpty();
        }
    }

    private static long[] counts(GuestKernel k) {
        int orders = k.geometry().maxOrder() + 1;
        long[] c = new long[orders * KernelGeometry.ZONES];
        for (int z = 0; z < KernelGeometry.ZONES; z++) {
            for (int o = 0; o < orders; o++) {
                c[z * orders + o] = k.buddy().zone(z).count(o);
            }
        }
        return c;
    }

    @Test
    void usedPagesKeepTheirChecksumsThroughPartialWrites() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long pfn = f.kernel.allocAnon(1);
            byte[] content = new byte[4096];
            new SplittableRandom(3).nextBytes(content);
            f.kernel.writeAnonPage(pfn, content);
            f.kernel.writeAnonBytes(pfn, 13, new byte[] {9, 9, 9}, 0, 3);
            f.kernel.writeAnonBytes(pfn, 4090, new byte[] {1, 2, 3, 4, 5, 6}, 0, 6);

            assertThat(f.check().problems()).isEmpty();
            assertThatThrownBy(() -> f.kernel.writeAnonBytes(f.kernel.allocAnon(1), 0, new byte[8], 0, 8))
                    .as("a page of undefined content cannot be patched").isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void thePageCacheWritesBackAndDropsOnlyCleanPages() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            PageCache cache = f.kernel.pageCache();
            byte[] scratch = new byte[4096];
            for (int i = 0; i < 100; i++) {
                assertThat(cache.read(3, i, scratch)).isNotNegative();
            }
            for (int i = 50; i < 80; i++) {
                cache.write(3, i, scratch);
            }
            cache.write(4, 0, scratch);
            assertThat(cache.cachedPages()).isEqualTo(101);
            assertThat(cache.dirtyPages()).isEqualTo(31);
            assertThat(f.check().problems()).isEmpty();

            assertThat(cache.writeback(10)).isEqualTo(10);
            assertThat(cache.dirtyPages()).isEqualTo(21);
            assertThat(f.check().problems()).isEmpty();

            assertThat(cache.dropClean()).isEqualTo(80);
            assertThat(cache.cachedPages()).isEqualTo(21);
            assertThat(f.check().problems()).isEmpty();

            long before = f.kernel.memInfo().freePages();
            cache.read(3, 55, scratch); // written back at version 1: read again from disk
            assertThat(f.kernel.memInfo().freePages()).isEqualTo(before - 1);
            assertThat(f.check().problems()).isEmpty();
        }
    }

    @Test
    void theSelfCheckCatchesAFlippedByteInAUsedPage() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long anon = f.kernel.allocAnon(0);
            f.kernel.writeAnonPage(anon, filled(5));
            long cached = f.kernel.pageCache().read(1, 2, new byte[4096]);

            long gpa = (anon << 12) + 1234;
            f.corrupt(gpa, new byte[] {(byte) (f.readByte(gpa) ^ 0x10)});
            long cgpa = (cached << 12) + 4095;
            f.corrupt(cgpa, new byte[] {(byte) (f.readByte(cgpa) ^ 0x01)});

            SelfCheckReport r = f.check();
            assertThat(r.passed()).isFalse();
            assertThat(r.mismatches()).isEqualTo(2);
            assertThat(r.problems()).anyMatch(p -> p.startsWith("PFN 0x" + Long.toHexString(anon) + " "));
            assertThat(r.problems()).anyMatch(p -> p.startsWith("PFN 0x" + Long.toHexString(cached) + " "));
        }
    }

    @Test
    void theSelfCheckCatchesAUsedPageReplacedByZeros() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long anon = f.kernel.allocAnon(0);
            f.kernel.writeAnonPage(anon, filled(77));
            f.corrupt(anon << 12, new byte[4096]);

            SelfCheckReport r = f.check();
            assertThat(r.passed()).isFalse();
            assertThat(r.problems()).singleElement().asString()
                    .startsWith("PFN 0x" + Long.toHexString(anon) + " ").contains("checksum");
        }
    }

    @Test
    void theSelfCheckCatchesABrokenFreeList() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            // split a few blocks so the order-0 list has several entries
            List<Long> pages = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                pages.add(f.kernel.allocAnon(0));
            }
            for (int i = 0; i < 16; i += 2) {
                f.kernel.freeAnon(pages.get(i));
            }
            long head = f.kernel.buddy().zone(0).head(0);
            long entryGpa = f.kernel.geometry().memmapGpa() + head * MemMap.ENTRY_BYTES;
            // point the head's next link at a used page
            long used = f.kernel.geometry().index(pages.get(1));
            f.corrupt(entryGpa + 8, new byte[] {(byte) used, (byte) (used >> 8), (byte) (used >> 16), (byte) (used >> 24)});

            SelfCheckReport r = f.check();
            assertThat(r.passed()).isFalse();
            assertThat(r.problems()).anyMatch(p -> p.contains("on the free list of order 0"));
        }
    }

    /**
     * The two ways the kernel builds its free-page bitmap — walking the buddy free lists and
     * copying the bitmap it keeps as it allocates — run over two kernels that went through the
     * same allocations and frees; each must equal the page descriptors' own account of what is
     * free ({@link PageDescriptors}, an oracle that reads neither), and the two must differ by
     * exactly the pages the keeping kernel holds for its bitmap.
     */
    @Test
    void walkingTheFreeListsAndCopyingTheKeptBitmapGiveTheSameFreePages() {
        Map<FreeBitmapMode, PageBitmap> byMode = new EnumMap<>(FreeBitmapMode.class);
        PageBitmap[] keptKernelPages = new PageBitmap[1];
        for (FreeBitmapMode mode : FreeBitmapMode.values()) {
            try (KernelFixture f = new KernelFixture(TestLayouts.split(3 * GIB, 2 * GIB),
                    new BootOptions(false, false, false, mode))) {
                SplittableRandom rnd = new SplittableRandom(11);
                List<Long> held = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    long pfn = f.kernel.allocAnon(0);
                    if (rnd.nextBoolean()) {
                        f.kernel.freeAnon(pfn);
                    } else {
                        held.add(pfn);
                    }
                }
                PageBitmap loose = new PageBitmap(f.kernel.geometry().pfnLimit());
                long[] lastFirst = {-1};
                f.kernel.freePageBitmap(false, 100, (firstPfn, words, length) -> {
                    assertThat(firstPfn % 64).isZero();
                    assertThat(firstPfn).as("ascending").isGreaterThan(lastFirst[0]);
                    assertThat(length).isBetween(1, 100);
                    lastFirst[0] = firstPfn;
                    loose.orWords(firstPfn >>> 6, words, 0, length);
                });
                PageBitmap oracle = PageDescriptors.freePages(f.kernel);
                assertThat(loose.sameBits(oracle)).as(mode + ": the page descriptors' free pages " + oracle.cardinality()
                        + ", the bitmap's " + loose.cardinality()).isTrue();
                assertThat(loose.cardinality()).as(mode.name()).isEqualTo(f.kernel.freePages());
                assertThat(held).as("no page the test holds is free").noneMatch(loose::get);
                assertThat(loose.get(4 * GIB / 4096 + 1000)).as("a free page above 4 GiB").isTrue();
                assertThat(loose.cardinality(2 * GIB / 4096, 4 * GIB / 4096)).as("nothing in the hole").isZero();
                assertThat(f.check().problems()).isEmpty();
                byMode.put(mode, loose);
                if (mode == FreeBitmapMode.KEPT) {
                    keptKernelPages[0] = PageDescriptors.kernelPages(f.kernel);
                }
            }
        }
        // the kept bitmap lives in guest RAM: the kernel that keeps one has those pages taken, so
        // its free pages are the walking kernel's less exactly pages it holds for itself
        PageBitmap walked = byMode.get(FreeBitmapMode.WALK);
        PageBitmap kept = byMode.get(FreeBitmapMode.KEPT);
        PageBitmap onlyWalked = walked.copy();
        onlyWalked.andNot(kept);
        PageBitmap onlyKept = kept.copy();
        onlyKept.andNot(walked);
        assertThat(onlyKept.cardinality()).as("pages free only where a bitmap is kept").isZero();
        PageBitmap notTheKernels = onlyWalked.copy();
        notTheKernels.andNot(keptKernelPages[0]);
        assertThat(notTheKernels.cardinality()).as("pages free only where none is kept, and not the other kernel's own: "
                + notTheKernels).isZero();
        assertThat(onlyWalked.cardinality()).as("the kept bitmap's pages").isPositive();
    }

    @Test
    void hintBlocksComeZeroedWithInitOnAllocAndGoBackWhole() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), new BootOptions(true, false, false, FreeBitmapMode.KEPT))) {
            long free = f.kernel.freePages();
            f.mem.dirtyLog().clear();
            List<Long> blocks = new ArrayList<>();
            for (long b = f.kernel.takeHintBlock(); b >= 0; b = f.kernel.takeHintBlock()) {
                assertThat(b % 1024).isZero();
                blocks.add(b);
            }
            assertThat(blocks).hasSizeGreaterThan(10);
            assertThat(f.kernel.freePages()).isLessThan(1024 + f.kernel.buddy().zone(0).minFree());
            long first = blocks.get(0);
            assertThat(f.mem.dirtyLog().isDirty(0, first + 1023)).as("zeroing is a write").isTrue();
            assertThat(f.check().problems()).isEmpty();

            blocks.forEach(f.kernel::returnHintBlock);
            assertThat(f.kernel.freePages()).isEqualTo(free);
            assertThat(f.check().problems()).isEmpty();
            assertThatThrownBy(() -> f.kernel.returnHintBlock(first)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void underPressureTheShrinkerGivesHintBlocksBackBeforeAnAllocationFails() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            List<Long> hinted = new ArrayList<>();
            for (long b = f.kernel.takeHintBlock(); b >= 0; b = f.kernel.takeHintBlock()) {
                hinted.add(b);
            }
            long[] asked = {0};
            f.kernel.registerShrinker(pages -> {
                asked[0]++;
                long given = 0;
                while (given < pages && !hinted.isEmpty()) {
                    f.kernel.returnHintBlock(hinted.remove(hinted.size() - 1));
                    given += 1024;
                }
                return given;
            });
            int got = 0;
            while (f.kernel.allocAnon(0) >= 0) {
                got++;
            }
            assertThat(asked[0]).isPositive();
            assertThat(hinted).as("every hint block went back").isEmpty();
            assertThat(got).isGreaterThan(10 * 1024);
            assertThat(f.kernel.allocationFailures()).isEqualTo(1);
            assertThat(f.check().problems()).isEmpty();
        }
    }

    @Test
    void pagePoisoningFillsFreePagesAndTheCheckNoticesWhenOneLosesIt() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), new BootOptions(false, false, true, FreeBitmapMode.WALK))) {
            assertThat(f.kernel.pagePoison()).hasValue(0xaa);
            long pfn = f.kernel.allocAnon(0);
            f.kernel.writeAnonPage(pfn, filled(1));
            f.kernel.freeAnon(pfn);
            assertThat(f.readByte((pfn << 12) + 100)).isEqualTo((byte) 0xaa);
            assertThat(f.check().problems()).isEmpty();

            f.corrupt((pfn << 12) + 100, new byte[] {0});
            assertThat(f.check().problems()).singleElement().asString().contains("poison");
            // the allocator notices too, when it hands the page out again
            for (int i = 0; i < 64 && f.kernel.poisonCorruptions() == 0; i++) {
                f.kernel.allocAnon(0);
            }
            assertThat(f.kernel.poisonCorruptions()).isEqualTo(1);
        }
    }

    @Test
    void anotherProcessCanAttachToTheRamAndGoOn() throws Exception {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), new BootOptions(false, true, false, FreeBitmapMode.KEPT))) {
            long pfn = f.kernel.allocAnon(2);
            f.kernel.writeAnonPage(pfn, filled(9));
            f.kernel.pageCache().write(0, 1, new byte[4096]);
            try (GuestPhysicalMemory again = GuestPhysicalMemory.open(f.ramFile(), f.shm.resolve("dirty-log"), f.layout)) {
                GuestKernel attached = GuestKernel.attach(again);
                assertThat(attached.options()).isEqualTo(f.kernel.options());
                assertThat(attached.memInfo()).isEqualTo(f.kernel.memInfo());
                attached.freeAnon(pfn);
                attached.pageCache().writeback(10);
                long p2 = attached.allocAnon(3);
                attached.writeAnonPage(p2, filled(4));
            }
            assertThat(f.check().problems()).isEmpty();
        }
    }

    @Test
    void attachingRefusesRamBootedForAnotherLayout() throws Exception {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN);
             ShmDir other = new ShmDir();
             GuestPhysicalMemory blank = GuestPhysicalMemory.create(other.resolve("ram"), other.resolve("log"),
                     TestLayouts.small(64 * MIB))) {
            assertThatThrownBy(() -> GuestKernel.attach(blank)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no booted kernel");
            assertThat(new RamFileLayout(f.layout).fileBytes()).isEqualTo(64 * MIB);
        }
    }

    private static byte[] filled(int seed) {
        byte[] b = new byte[4096];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }
}
