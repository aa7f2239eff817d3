package io.pagehint.arm64.tighten;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.LayoutTightener;
import io.pagehint.api.tighten.LayoutTightenerCache;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.arm64.layout.VirtLayouts;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tightener for aarch64 guests of QEMU's {@code virt} machine. The algorithm is the
 * architecture-neutral {@link LayoutTightener}, so this tightener keeps the same promises as every
 * other: word-level copies, hole bits counted (on virt, every PFN below 1 GiB is a hole, and so is the
 * gap between RAM and each DIMM), a tight bit only for a host page whose guest pages are all free. This
 * component checks that a layout is one it serves (aarch64, virt, 4, 16 or 64 KiB guest pages) and keeps
 * the compiled tighteners of recent layouts ({@link LayoutTightenerCache}), so that a call allocates
 * nothing but its result.
 */
@Component(service = BitmapTightener.class, property = {
        BitmapTightener.ARCH + "=" + VirtLayouts.ARCH,
        BitmapTightener.MACHINES + "=" + VirtLayouts.MACHINE})
public final class VirtBitmapTightener implements BitmapTightener {

    private static final Logger LOG = LoggerFactory.getLogger(VirtBitmapTightener.class);

    private final LayoutTightenerCache compiled = new LayoutTightenerCache();

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the layout is not an aarch64 virt layout of 4, 16 or 64 KiB
     *                                  pages, or the bitmaps do not belong to it
     */
    @Override
    public TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                                 TightFreePageBitmap into) {
        if (!VirtLayouts.ARCH.equals(layout.arch()) || !VirtLayouts.MACHINE.equals(layout.machine())
                || !VirtLayouts.GUEST_PAGE_SIZES.contains(layout.guestPageSize())) {
            throw new IllegalArgumentException("not an aarch64 virt layout: " + layout.arch() + "/" + layout.machine()
                    + " with " + layout.guestPageSize() + "-byte pages");
        }
        TightenResult r = compiled.get(layout).tighten(loose, fromPfn, toPfn, into);
        if (r.holeBits() != 0) {
            LOG.debug("guest called {} pages free that are not its RAM (PFNs {}..{})", r.holeBits(), fromPfn, toPfn);
        }
        return r;
    }
}
