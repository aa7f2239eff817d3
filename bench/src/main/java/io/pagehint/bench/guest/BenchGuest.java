package io.pagehint.bench.guest;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.x86.layout.X86LayoutProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A reference guest kernel booted in the benchmark's own process, on RAM files in /dev/shm. */
final class BenchGuest implements AutoCloseable {

    final Path dir;
    final GuestMemoryLayout layout;
    final GuestPhysicalMemory memory;
    final GuestKernel kernel;

    BenchGuest(long ramBytes, BootOptions options) {
        try {
            dir = Files.createTempDirectory(Path.of("/dev/shm"), "pagehint-bench-");
            layout = new X86LayoutProvider().layout(new MachineSpec("x86_64", "q35", ramBytes));
            memory = GuestPhysicalMemory.create(dir.resolve("ram"), dir.resolve("dirty-log"), layout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kernel = GuestKernel.boot(memory, options);
    }

    @Override
    public void close() {
        memory.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
