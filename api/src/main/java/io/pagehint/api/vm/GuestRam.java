package io.pagehint.api.vm;

import io.pagehint.api.bitmap.PageBitmap;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The host's read-only view of a guest's RAM, by RAM block and byte offset in the block.
 */
@ConsumerType
public interface GuestRam {

    /** The largest {@code length} one {@link #view} may have (at least 1 MiB). */
    int maxViewBytes();

    /**
     * A read-only direct buffer over bytes {@code [offset, offset + length)} of block
     * {@code block}, with position 0 and limit {@code length}. It reads guest RAM itself (no copy),
     * so a channel can send it straight to a socket, and it sees the guest's writes as they happen.
     * Valid while the guest's RAM stays mapped.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the block or is longer than {@link #maxViewBytes()}
     */
    ByteBuffer view(int block, long offset, int length);

    /**
     * Marks in {@code into} (indexed by page offset in the block) the guest pages of
     * {@code [fromPage, toPage)} that hold no memory at all and therefore read as zeros, without
     * reading them; returns how many it marked. A page written after this call is in the dirty
     * log. The default knows of none.
     */
    default long markUnbackedPages(int block, long fromPage, long toPage, PageBitmap into) {
        return 0;
    }
}
