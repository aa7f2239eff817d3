package io.pagehint.guest.host;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.guest.kernel.SelfCheck;
import io.pagehint.guest.ram.IncomingRam;
import io.pagehint.guest.ram.RamImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The destination side of a reference guest: a fresh sparse RAM file that the migration fills
 * through writable views; {@link #verify()} attaches the guest's self-check to what arrived.
 * After a successful migration the RAM file is the guest's, to run with {@code pagehint guest --attach}.
 */
public final class ReferenceIncomingVm implements IncomingVm {

    private final String id;
    private final GuestMemoryLayout layout;
    private final Path ramFile;
    private final IncomingRam ram;
    private volatile boolean abandoned;

    private ReferenceIncomingVm(String id, GuestMemoryLayout layout, Path ramFile, IncomingRam ram) {
        this.id = id;
        this.layout = layout;
        this.ramFile = ramFile;
        this.ram = ram;
    }

    /** Creates {@code ramFile} (must not exist) for a guest of {@code layout}. */
    public static ReferenceIncomingVm create(String id, GuestMemoryLayout layout, Path ramFile) throws IOException {
        return new ReferenceIncomingVm(id, layout, ramFile, IncomingRam.create(ramFile, layout));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GuestMemoryLayout layout() {
        return layout;
    }

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
        try (RamImage image = RamImage.open(ramFile, layout)) {
            return SelfCheck.run(image).toResult();
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
            Files.deleteIfExists(ramFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ram.close();
    }
}
