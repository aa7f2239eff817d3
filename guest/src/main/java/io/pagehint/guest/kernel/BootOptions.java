package io.pagehint.guest.kernel;

import java.util.OptionalInt;

/**
 * How the guest kernel boots; recorded in the boot block, so a kernel that attaches to RAM keeps
 * the options it was booted with.
 *
 * @param initOnAlloc every allocation zeroes its pages first (Linux {@code init_on_alloc=1}, the
 *                    default of Debian's kernels): a guest write like any other
 * @param initOnFree  every free zeroes the pages (Linux {@code init_on_free=1}): free pages hold 0
 * @param pagePoison  every free fills the pages with {@link #POISON} and every allocation checks it
 *                    is still there (Linux {@code page_poison=1}); the reason virtio-balloon has
 *                    VIRTIO_BALLOON_F_PAGE_POISON
 * @param freeBitmap  how the loose free-page bitmap is produced (design note, section 4)
 */
public record BootOptions(boolean initOnAlloc, boolean initOnFree, boolean pagePoison, FreeBitmapMode freeBitmap) {

    /** The poison byte: Linux's PAGE_POISON (include/linux/poison.h). */
    public static final byte POISON = (byte) 0xaa;

    public BootOptions {
        if (freeBitmap == null) {
            throw new IllegalArgumentException("a free-bitmap mode is needed");
        }
        if (pagePoison && (initOnAlloc || initOnFree)) {
            // Linux lets poisoning take precedence and silently drops init_on_*; we refuse the ambiguity.
            throw new IllegalArgumentException("page poisoning cannot be combined with init-on-alloc or init-on-free");
        }
    }

    /** Nothing zeroed or poisoned; free lists walked on demand. */
    public static BootOptions defaults() {
        return new BootOptions(false, false, false, FreeBitmapMode.WALK);
    }

    /** The byte every free page holds, when the options make free pages hold one. */
    public OptionalInt freePageFill() {
        if (pagePoison) {
            return OptionalInt.of(POISON & 0xff);
        }
        return initOnFree ? OptionalInt.of(0) : OptionalInt.empty();
    }

    /** The boot block's free-page fill word, the flags' redundant record (BootBlock.FREE_FILL_OFF). */
    int freeFillField() {
        OptionalInt fill = freePageFill();
        return fill.isPresent() ? 0x100 | fill.getAsInt() : 0;
    }

    int flags() {
        return (initOnAlloc ? BootBlock.FLAG_INIT_ON_ALLOC : 0)
                | (initOnFree ? BootBlock.FLAG_INIT_ON_FREE : 0)
                | (pagePoison ? BootBlock.FLAG_PAGE_POISON : 0)
                | (freeBitmap == FreeBitmapMode.KEPT ? BootBlock.FLAG_KEPT_BITMAP : 0);
    }

    static BootOptions fromFlags(int flags) {
        return new BootOptions((flags & BootBlock.FLAG_INIT_ON_ALLOC) != 0, (flags & BootBlock.FLAG_INIT_ON_FREE) != 0,
                (flags & BootBlock.FLAG_PAGE_POISON) != 0,
                (flags & BootBlock.FLAG_KEPT_BITMAP) != 0 ? FreeBitmapMode.KEPT : FreeBitmapMode.WALK);
    }

    /** Section 4 of the design note. */
    public enum FreeBitmapMode {
        /** 4a: build the bitmap on demand by walking the free lists. */
        WALK,
        /** 4b: keep a bitmap in guest RAM up to date on every allocation and free; copy it on demand. */
        KEPT
    }
}
