package io.pagehint.reference.vm;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.reference.check.ReceivedRamCheck;
import io.pagehint.reference.ram.IncomingRam;
import io.pagehint.reference.ram.RamImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The destination side of a reference guest: a fresh sparse RAM file that the migration fills
 * through writable views; {@link #verify()} runs the guest's self-check (a {@link ReceivedRamCheck},
 * from the guest bundle) on what arrived.
 *
 * <p>Until the source hands the guest over the file is named {@code <ram file>}{@value #INCOMPLETE}:
 * a destination killed mid-migration, or while it checks the guest, leaves nothing under the
 * guest's name that could pass for the guest (the source may be running it again). {@link #close()}
 * without {@link #abandon()} (the engine's way of saying COMMIT arrived) renames it to its final
 * name, to run with {@code pagehint guest --attach}.
 */
public final class ReferenceIncomingVm implements IncomingVm {

    /** The suffix of the RAM file's name while the migration has not been committed. */
    public static final String INCOMPLETE = ".incomplete";

    private final String id;
    private final GuestMemoryLayout layout;
    private final Path ramFile;
    private final Path incompleteFile;
    private final IncomingRam ram;
    private final Supplier<ReceivedRamCheck> check;
    private volatile boolean abandoned;
    private boolean closed;

    private ReferenceIncomingVm(String id, GuestMemoryLayout layout, Path ramFile, Path incompleteFile, IncomingRam ram,
                                Supplier<ReceivedRamCheck> check) {
        this.id = id;
        this.check = check;
        this.layout = layout;
        this.ramFile = ramFile;
        this.incompleteFile = incompleteFile;
        this.ram = ram;
    }

    /**
     * Creates {@code ramFile}{@value #INCOMPLETE} for a guest of {@code layout}; neither it nor
     * {@code ramFile} may exist. {@code check} gives the check {@link #verify()} runs then, or null
     * when there is none.
     */
    public static ReferenceIncomingVm create(String id, GuestMemoryLayout layout, Path ramFile,
                                             Supplier<ReceivedRamCheck> check) throws IOException {
        Path incomplete = incompleteName(ramFile);
        if (Files.exists(ramFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(ramFile.toString(), null, "the RAM file exists already");
        }
        if (Files.exists(incomplete, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(incomplete.toString(), null,
                    "another destination is writing it, or one was killed: remove it if none runs");
        }
        return new ReferenceIncomingVm(id, layout, ramFile, incomplete, IncomingRam.create(incomplete, layout), check);
    }

    /** Where the RAM of a guest whose final RAM file is {@code ramFile} is written until COMMIT. */
    public static Path incompleteName(Path ramFile) {
        return ramFile.resolveSibling(ramFile.getFileName() + INCOMPLETE);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GuestMemoryLayout layout() {
        return layout;
    }

    /** The RAM file's final name, which it has only once the migration was committed. */
    public Path ramFile() {
        return ramFile;
    }

    @Override
    public int maxViewBytes() {
        return MappedGuestRam.MAX_VIEW_BYTES;
    }

    @Override
    public ByteBuffer writableView(int block, long offset, int length) {
        if (length > MappedGuestRam.MAX_VIEW_BYTES) {
            throw new IndexOutOfBoundsException("a view is at most " + MappedGuestRam.MAX_VIEW_BYTES + " bytes");
        }
        return ram.writableView(block, offset, length);
    }

    /** A positional write into the RAM file ({@link IncomingRam#write}). */
    @Override
    public void write(int block, long offset, ByteBuffer src) {
        if (src.remaining() > MappedGuestRam.MAX_VIEW_BYTES) {
            throw new IndexOutOfBoundsException("a write is at most " + MappedGuestRam.MAX_VIEW_BYTES + " bytes");
        }
        try {
            ram.write(block, offset, src);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Punches a hole: the range reads as zeros and holds no memory. */
    @Override
    public void discard(int block, long offset, long length) {
        try {
            ram.discard(block, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference guest's self-check over a read-only mapping of the received RAM. */
    @Override
    public SelfCheckResult verify() {
        if (abandoned) {
            return SelfCheckResult.notChecked("the incoming VM was abandoned");
        }
        ReceivedRamCheck checker = check.get();
        if (checker == null) {
            return SelfCheckResult.notChecked("no reference guest self-check in this runtime (bundle io.pagehint.guest)");
        }
        try (RamImage image = RamImage.open(incompleteFile, layout)) {
            return checker.check(image);
        } catch (IOException e) {
            return SelfCheckResult.notChecked("cannot map the received RAM: " + e.getMessage());
        }
    }

    /** Unmaps and deletes the RAM file. */
    @Override
    public void abandon() {
        abandoned = true;
        ram.close();
        try {
            Files.deleteIfExists(incompleteFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmaps; unless abandoned, the migration was committed: the RAM file takes its final name. */
    @Override
    public synchronized void close() {
        ram.close();
        if (abandoned || closed) {
            return;
        }
        closed = true;
        try {
            // no REPLACE_EXISTING: a file that appeared under the final name meanwhile is not ours to clobber
            Files.move(incompleteFile, ramFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("the migration was committed but its RAM file " + incompleteFile
                    + " could not be renamed to " + ramFile + ": " + e.getMessage(), e);
        }
    }
}
