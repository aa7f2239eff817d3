package io.pagehint.x86.tighten;

import io.pagehint.api.bitmap.LooseFreePageBitmap;
import io.pagehint.api.bitmap.TightFreePageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.api.tighten.LayoutTightener;
import io.pagehint.api.tighten.LayoutTightenerCache;
import io.pagehint.api.tighten.TightenResult;
import io.pagehint.x86.layout.X86Layouts;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tightener for x86 guests of QEMU's {@code pc} and {@code q35} machines. The algorithm is the
 * architecture-neutral {@link LayoutTightener}; this component checks that a layout is one it
 * serves (x86_64, pc or q35, 4 KiB guest pages) and keeps the compiled tighteners of the layouts it
 * has seen recently ({@link LayoutTightenerCache}), so that a call allocates nothing but its result.
 */
@Component(service = BitmapTightener.class, property = {
        BitmapTightener.ARCH + "=" + X86Layouts.ARCH,
        BitmapTightener.MACHINES + "=pc",
        BitmapTightener.MACHINES + "=q35"})
public final class X86BitmapTightener implements BitmapTightener {

    private static final Logger LOG = LoggerFactory.getLogger(X86BitmapTightener.class);

    private final LayoutTightenerCache compiled = new LayoutTightenerCache();

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the layout is not an x86_64 pc or q35 layout of 4 KiB pages,
     *                                  or the bitmaps do not belong to it
     */
    @Override
    public TightenResult tighten(GuestMemoryLayout layout, LooseFreePageBitmap loose, long fromPfn, long toPfn,
                                 TightFreePageBitmap into) {
        if (!X86Layouts.ARCH.equals(layout.arch()) || !X86Layouts.MACHINES.contains(layout.machine())
                || layout.guestPageSize() != X86Layouts.GUEST_PAGE_SIZE) {
            throw new IllegalArgumentException("not an x86 pc/q35 layout: " + layout.arch() + "/" + layout.machine()
                    + " with " + layout.guestPageSize() + "-byte pages");
        }
        TightenResult r = compiled.get(layout).tighten(loose, fromPfn, toPfn, into);
        if (r.holeBits() != 0) {
            LOG.debug("guest called {} pages free that are not its usable RAM (PFNs {}..{})", r.holeBits(), fromPfn, toPfn);
        }
        return r;
    }
}
