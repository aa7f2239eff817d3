package io.pagehint.reference.vm;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.reference.ram.RamImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** A guest's RAM as the host reads it: a read-only mapping of the guest's RAM file. */
final class MappedGuestRam implements GuestRam {

    /** 1 GiB: a view is one direct buffer, indexed by int. */
    static final int MAX_VIEW_BYTES = 1 << 30;

    private final RamImage image;

    MappedGuestRam(RamImage image) {
        this.image = image;
    }

    @Override
    public int maxViewBytes() {
        return MAX_VIEW_BYTES;
    }

    @Override
    public ByteBuffer view(int block, long offset, int length) {
        if (length > MAX_VIEW_BYTES) {
            throw new IndexOutOfBoundsException("a view is at most " + MAX_VIEW_BYTES + " bytes, not " + length);
        }
        return image.view(block, offset, length);
    }

    /**
     * Pages in holes of the RAM file ({@code lseek SEEK_HOLE/SEEK_DATA}): never written (or
     * discarded), holding no memory, reading as zeros. Found without touching them.
     */
    @Override
    public long markUnbackedPages(int block, long fromPage, long toPage, PageBitmap into) {
        try {
            return image.markHoles(block, fromPage, toPage, into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
