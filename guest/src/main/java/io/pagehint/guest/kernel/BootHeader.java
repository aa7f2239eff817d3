package io.pagehint.guest.kernel;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.reference.ram.PhysicalReader;
import io.pagehint.reference.ram.Region;

/**
 * What the boot block says, checked against the layout: a kernel is taken up (attach, self-check)
 * only if it was booted for exactly this layout, with its tables where this layout puts them.
 */
record BootHeader(KernelGeometry geometry, BootOptions options) {

    /**
     * @throws IllegalStateException if RAM holds no booted kernel, or one booted for another layout
     */
    static BootHeader read(PhysicalReader ram, GuestMemoryLayout layout) {
        KernelGeometry probe = new KernelGeometry(layout, false);
        Region r = ram.region(probe.bootGpa(), probe.pageSize());
        if (r.readLong(BootBlock.MAGIC_OFF) != BootBlock.MAGIC) {
            throw new IllegalStateException("no booted kernel: the boot block at 0x" + Long.toHexString(probe.bootGpa())
                    + " has no magic");
        }
        if (r.readInt(BootBlock.VERSION_OFF) != BootBlock.VERSION || r.readInt(BootBlock.PAGE_SIZE_OFF) != probe.pageSize()) {
            throw new IllegalStateException("the boot block has version " + r.readInt(BootBlock.VERSION_OFF)
                    + " and page size " + r.readInt(BootBlock.PAGE_SIZE_OFF) + "; expected " + BootBlock.VERSION
                    + " and " + probe.pageSize());
        }
        if (r.readLong(BootBlock.FINGERPRINT_OFF) != probe.fingerprint()) {
            throw new IllegalStateException("the kernel in this RAM was booted for another layout");
        }
        BootOptions options;
        try {
            options = BootOptions.fromFlags(r.readInt(BootBlock.FLAGS_OFF));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the boot block holds impossible boot options: " + e.getMessage());
        }
        int fill = r.readInt(BootBlock.FREE_FILL_OFF);
        if (fill != options.freeFillField()) {
            throw new IllegalStateException("the boot block's free-page fill 0x" + Integer.toHexString(fill)
                    + " disagrees with its boot options (flags 0x" + Integer.toHexString(r.readInt(BootBlock.FLAGS_OFF))
                    + ", which say 0x" + Integer.toHexString(options.freeFillField()) + ")");
        }
        KernelGeometry geo = new KernelGeometry(layout, options.freeBitmap() == BootOptions.FreeBitmapMode.KEPT);
        boolean tablesMatch = r.readLong(BootBlock.TOTAL_PAGES_OFF) == geo.totalPages()
                && r.readLong(BootBlock.PFN_LIMIT_OFF) == geo.pfnLimit()
                && r.readLong(BootBlock.MEMMAP_GPA_OFF) == geo.memmapGpa()
                && r.readLong(BootBlock.MEMMAP_BYTES_OFF) == geo.memmapBytes()
                && r.readLong(BootBlock.KEPT_GPA_OFF) == geo.keptBitmapGpa()
                && r.readLong(BootBlock.KEPT_BYTES_OFF) == geo.keptBitmapBytes()
                && r.readLong(BootBlock.DISK_GPA_OFF) == geo.diskTableGpa()
                && r.readLong(BootBlock.DISK_PAGES_OFF) == geo.diskPages()
                && r.readInt(BootBlock.PAGES_PER_FILE_OFF) == KernelGeometry.PAGES_PER_FILE
                && r.readInt(BootBlock.MAX_ORDER_OFF) == geo.maxOrder()
                && r.readLong(BootBlock.KERNEL_AREA_PAGES_OFF) == geo.kernelAreaPages();
        if (!tablesMatch) {
            throw new IllegalStateException("the boot block places the kernel's tables elsewhere than this layout does");
        }
        return new BootHeader(geo, options);
    }
}
