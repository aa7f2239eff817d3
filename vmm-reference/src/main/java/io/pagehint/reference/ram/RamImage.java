package io.pagehint.reference.ram;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A read-only mapping of a guest's RAM file: what a host reads (and sends) and what the self-check
 * walks. It cannot write, so it needs no dirty log.
 */
public final class RamImage extends PhysicalReader {

    private RamImage(RamFileLayout ram, SharedFile file, SharedMapping map) {
        super(ram, file, map);
    }

    /** Maps {@code ramFile} read-only; its size must be the one {@code layout} gives. */
    public static RamImage open(Path ramFile, GuestMemoryLayout layout) throws IOException {
        RamFileLayout ram = new RamFileLayout(layout);
        SharedFile f = SharedFile.open(ramFile, false, ram.fileBytes());
        try {
            return new RamImage(ram, f, f.map(0, ram.fileBytes(), false));
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

}
