package io.pagehint.x86.tighten;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.tighten.whiteboard.LayoutBitmapTightener;
import org.junit.jupiter.api.Test;

/** Stories of one x86 guest each, told to the tightener the tighten bundle registers for this bundle's layout provider. */
class X86TighteningStoriesTest {

    static final long G = 1L << 30;
    static final long PAGE = 4096;

    private final LayoutBitmapTightener tightener = LayoutBitmapTightener.serving("x86_64", "pc", "q35");

    @Test
    void aGuestThatCallsThePciHoleAndTheVgaWindowFreeGetsNothingForItAndIsCounted() {
        GuestMemoryLayout q35 = X86Catalogue.layout("q35", 8 * G);
        LooseFreePageBitmap loose = LooseFreePageBitmap.forLayout(q35);
        loose.bits().setRange(2 * G / PAGE - 10, 4 * G / PAGE + 10); // the last 10 pages below 2 GiB, the hole, the first 10 at 4 GiB
        loose.bits().setRange(0xa0000 / PAGE, 0xc0000 / PAGE);       // the VGA window
        TightFreePageBitmap tight = new TightFreePageBitmap(q35);

        TightenResult r = tightener.tighten(q35, loose, tight);

        assertThat(r.holeBits()).isEqualTo(2 * G / PAGE + 32);
        assertThat(r.freePages()).isEqualTo(20);
        assertThat(tight.block(0).cardinality(2 * G / PAGE - 10, 2 * G / PAGE + 10)).as("pc.ram offsets 2 GiB -/+ 10 pages").isEqualTo(20);
        assertThat(tight.block(0).cardinality(0xa0, 0xc0)).isZero();
    }

    @Test
    void aGigabytePageWithOneUsedGuestPageIsNotFree() {
        GuestMemoryLayout pc = X86Catalogue.layout("pc", 4 * G, "host-page-size=1G");
        LooseFreePageBitmap loose = LooseFreePageBitmap.forLayout(pc);
        loose.bits().setRange(G / PAGE, 3 * G / PAGE); // guest 1-3 GiB free
        loose.bits().clear(2 * G / PAGE + 12345);      // but one page of the second gigabyte is in use
        TightFreePageBitmap tight = new TightFreePageBitmap(pc);

        TightenResult r = tightener.tighten(pc, loose, tight);

        assertThat(r.freePages()).isEqualTo(G / PAGE);
        assertThat(tight.block(0).nextSetBit(0)).isEqualTo(G / PAGE);
        assertThat(r.partialHostPageBits()).isEqualTo(G / PAGE - 1);
    }

    @Test
    void anIdleTerabyteGuestsBitmapsTakeTwoBitsPerGuestPage() {
        GuestMemoryLayout q35 = X86Catalogue.layout("q35", 1L << 40, "phys-bits=41");
        LooseFreePageBitmap loose = LooseFreePageBitmap.forLayout(q35);
        q35.ramRanges().forEach(r -> loose.bits().setRange(r.guestPhysAddr() / PAGE, r.guestPhysEnd() / PAGE));
        TightFreePageBitmap tight = new TightFreePageBitmap(q35);
        tightener.tighten(q35, loose, tight);

        long bytes = loose.bits().allocatedBytes() + tight.block(0).allocatedBytes();
        // the 2 GiB PCI hole in the loose bitmap costs nothing: the guest sets no bit there
        assertThat(bytes * 8).isLessThanOrEqualTo(2 * q35.ramPages());
    }
}
