package io.pagehint.api.vm;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The destination's side of a guest: RAM that a migration fills, then hands back to the VMM to
 * check and run. Created by a {@link VmProvisioner}.
 *
 * <p>A migration over several streams calls {@link #writableView}, {@link #write} and
 * {@link #discard} from one thread per stream at once, each thread for pages no other touches
 * (docs/STREAM.md section 6); an implementation must allow calls for different pages to overlap
 * (a positional write to a file, a mapping, do). Over one stream, all calls come from one thread.
 */
@ConsumerType
public interface IncomingVm extends AutoCloseable {

    String id();

    GuestMemoryLayout layout();

    /** The largest {@code length} one {@link #writableView} may have (at least 1 MiB). */
    int maxViewBytes();

    /**
     * A writable direct buffer over bytes {@code [offset, offset + length)} of block {@code block}:
     * what the engine receives goes straight into guest RAM through it.
     */
    ByteBuffer writableView(int block, long offset, int length);

    /**
     * Writes the bytes remaining in {@code src} into bytes {@code [offset, offset + src.remaining())}
     * of block {@code block} and advances {@code src}'s position to its limit; at most
     * {@link #maxViewBytes()} bytes. The engine puts received pages into guest RAM this way. The
     * default copies through {@link #writableView}; a VMM whose RAM is a file may override it with a
     * positional write ({@code pwrite}), which fills pages that hold no memory yet without a page
     * fault per page.
     */
    default void write(int block, long offset, ByteBuffer src) {
        writableView(block, offset, src.remaining()).put(src);
    }

    /**
     * Makes {@code [offset, offset + length)} of block {@code block} read as zeros and, where the
     * backing allows, hold no memory (a zero page over a page that was written before).
     */
    void discard(int block, long offset, long length);

    /**
     * Called once all RAM has arrived and the source has stopped the guest: checks that the guest
     * is whole. The reference guest attaches to the RAM and runs its self-check.
     */
    SelfCheckResult verify();

    /** The migration failed or was cancelled: drop what arrived. The VM is unusable afterwards. */
    void abandon();

    /** Releases mappings; the RAM itself stays for the VMM to run unless {@link #abandon()} was called. */
    @Override
    void close();
}
