package io.pagehint.bench.channel;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.bench.guest.FreePageBitmapBenchmark;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.x86.layout.X86Layouts;
import java.nio.file.Path;

/**
 * The guest of the channel benchmark, run as its own process: the reference kernel on RAM files
 * in a directory the benchmark chose, shaped as asked, with one channel driver. Says
 * {@code STARTED} when its driver runs; exits when its stdin closes.
 *
 * <p>Arguments: transport, endpoint, directory, shape ({@code boot}: an 8 GiB q35 guest with
 * 1 GiB in use, about 7 GiB free in max-order blocks; {@code fragmented}: a 16 GiB guest with
 * 7 GiB free, all in order-0 pages, no two of them buddies).
 */
public final class ChannelBenchGuest {

    private ChannelBenchGuest() {
    }

    static GuestMemoryLayout layout(String shape) {
        return X86Layouts.layout(new MachineSpec("x86_64", "q35", FreePageBitmapBenchmark.ramBytes(shape)));
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        Path endpoint = Path.of(args[1]);
        Path dir = Path.of(args[2]);
        String shape = args[3];
        try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(dir.resolve("ram"), dir.resolve("dirty-log"), layout(shape))) {
            GuestKernel kernel = GuestKernel.boot(mem, BootOptions.defaults());
            FreePageBitmapBenchmark.shape(kernel, shape); // the guests of the bitmap benchmark, so the figures compare
            try (GuestDriver driver = GuestDrivers.start(transport, endpoint, kernel)) {
                System.out.println("STARTED " + kernel.freePages());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // runs until the benchmark closes our stdin
                }
            }
        }
        System.exit(0);
    }
}
