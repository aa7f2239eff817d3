package io.pagehint.guest.kernel;

import static io.pagehint.reference.testing.TestLayouts.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.guest.kernel.BootOptions.FreeBitmapMode;
import io.pagehint.reference.testing.TestLayouts;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Corruptions of a destination's RAM that an outside checker injected and the self-check once
 * passed (issue 14): each one now shows, because the kernel's state records what was changed a
 * second time somewhere else.
 */
class SelfCheckBlindSpotsTest {

    private static final BootOptions PLAIN = BootOptions.defaults();

    @Test
    void clearingContentKnownNoLongerHidesAFlippedByteInAnAnonymousPage() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long pfn = written(f);
            flip(f, (pfn << 12) + 321);
            long entry = entryGpa(f, pfn);
            f.corrupt(entry + 2, new byte[] {0}); // flags: CONTENT_KNOWN gone

            assertThat(f.check().problems()).singleElement().asString()
                    .startsWith("PFN 0x" + Long.toHexString(pfn) + " ").contains("CONTENT_KNOWN flag is clear");
        }
    }

    @Test
    void clearingThePoisonFlagNoLongerHidesAFlippedByteInAPoisonedFreePage() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), new BootOptions(false, false, true, FreeBitmapMode.WALK))) {
            long pfn = f.kernel.allocAnon(0);
            f.kernel.freeAnon(pfn);
            flip(f, (pfn << 12) + 77);
            long flags = f.kernel.geometry().bootGpa() + BootBlock.FLAGS_OFF;
            f.corrupt(flags, le32(f.kernel.options().flags() & ~BootBlock.FLAG_PAGE_POISON));

            SelfCheckReport r = f.check();
            assertThat(r.passed()).isFalse();
            assertThat(r.problems()).singleElement().asString().startsWith("boot block: ").contains("free-page fill 0x1aa");
        }
    }

    @Test
    void anAnonymousPagesOwnerMustBeAVcpuAndAPageWithoutOwnerHasNone() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long anon = written(f);
            f.corrupt(entryGpa(f, anon) + 4, le32(GuestKernel.MAX_VCPUS));
            long hint = f.kernel.takeHintBlock();
            f.corrupt(entryGpa(f, hint) + 4, le32(3));

            SelfCheckReport r = f.check();
            assertThat(r.problems()).hasSize(2);
            assertThat(r.problems()).anyMatch(p -> p.startsWith("PFN 0x" + Long.toHexString(anon) + " ") && p.contains("vCPU 256"));
            assertThat(r.problems()).anyMatch(p -> p.startsWith("PFN 0x" + Long.toHexString(hint) + " ") && p.contains("owner (3)"));
        }
    }

    @Test
    void aUsedPageOnNoListHasNoLinks() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long anon = written(f);
            f.corrupt(entryGpa(f, anon) + 12, le32(5)); // prev

            assertThat(f.check().problems()).singleElement().asString()
                    .startsWith("PFN 0x" + Long.toHexString(anon) + " ").contains("has links");
        }
    }

    @Test
    void aPageThatIsNotCachedNamesNoFilePage() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            long anon = written(f);
            f.corrupt(entryGpa(f, anon) + 28, le32(9)); // version

            assertThat(f.check().problems()).singleElement().asString()
                    .startsWith("PFN 0x" + Long.toHexString(anon) + " ").contains("not cached");
        }
    }

    @Test
    void theCrossChecksPassOnAWholeGuestWithEveryKindOfPage() {
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), new BootOptions(true, false, false, FreeBitmapMode.KEPT))) {
            written(f);
            f.kernel.allocAnon(1); // zeroed by init-on-alloc: content known
            f.kernel.pageCache().read(1, 2, new byte[4096]);
            f.kernel.pageCache().write(2, 3, new byte[4096]);
            f.kernel.takeHintBlock();
            f.kernel.allocKernelPages(2);
            assertThat(f.check().problems()).isEmpty();
        }
        try (KernelFixture f = new KernelFixture(TestLayouts.small(64 * MIB), PLAIN)) {
            f.kernel.allocAnon(0); // not written: content unknown, no checksum
            assertThat(f.check().problems()).isEmpty();
        }
    }

    private static long written(KernelFixture f) {
        long pfn = f.kernel.allocAnon(0);
        byte[] page = new byte[4096];
        new SplittableRandom(pfn).nextBytes(page);
        f.kernel.writeAnonPage(pfn, page);
        return pfn;
    }

    private static long entryGpa(KernelFixture f, long pfn) {
        return f.kernel.geometry().memmapGpa() + f.kernel.geometry().index(pfn) * MemMap.ENTRY_BYTES;
    }

    private static void flip(KernelFixture f, long gpa) {
        f.corrupt(gpa, new byte[] {(byte) (f.readByte(gpa) ^ 0x40)});
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
