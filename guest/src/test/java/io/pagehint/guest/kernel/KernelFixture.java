package io.pagehint.guest.kernel;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.ram.RamFileLayout;
import io.pagehint.reference.ram.RamImage;
import io.pagehint.reference.testing.ShmDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A guest kernel booted in-process on RAM files in a private /dev/shm directory. */
final class KernelFixture implements AutoCloseable {

    final ShmDir shm = new ShmDir();
    final GuestMemoryLayout layout;
    final GuestPhysicalMemory mem;
    final GuestKernel kernel;

    KernelFixture(GuestMemoryLayout layout, BootOptions options) {
        this.layout = layout;
        try {
            this.mem = GuestPhysicalMemory.create(ramFile(), shm.resolve("dirty-log"), layout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.kernel = GuestKernel.boot(mem, options);
    }

    Path ramFile() {
        return shm.resolve("ram");
    }

    /** The self-check as a host would run it: through its own read-only mapping of the RAM file. */
    SelfCheckReport check() {
        try (RamImage image = RamImage.open(ramFile(), layout)) {
            return SelfCheck.run(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Corrupts RAM behind the guest's back: a write to the file that no write path sees. */
    void corrupt(long gpa, byte[] bytes) {
        long fileOffset = new RamFileLayout(layout).fileOffset(gpa, bytes.length);
        try (FileChannel ch = FileChannel.open(ramFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), fileOffset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte readByte(long gpa) {
        return mem.readByte(gpa);
    }

    @Override
    public void close() {
        mem.close();
        shm.close();
    }
}
