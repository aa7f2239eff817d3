package io.pagehint.bench.channel;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.driver.GuestDriver;
import io.pagehint.guest.driver.GuestDrivers;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.guest.ram.GuestPhysicalMemory;
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

    static final long GIB = 1L << 30;

    private ChannelBenchGuest() {
    }

    static GuestMemoryLayout layout(String shape) {
        return X86Layouts.layout(new MachineSpec("x86_64", "q35", shape.equals("fragmented") ? 16 * GIB : 8 * GIB));
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        Path endpoint = Path.of(args[1]);
        Path dir = Path.of(args[2]);
        String shape = args[3];
        try (GuestPhysicalMemory mem = GuestPhysicalMemory.create(dir.resolve("ram"), dir.resolve("dirty-log"), layout(shape))) {
            GuestKernel kernel = GuestKernel.boot(mem, BootOptions.defaults());
            if (shape.equals("fragmented")) {
                fragment(kernel, 7 * GIB / 4096);
            } else {
                for (long used = 0; used < GIB / 4096; used += 512) {
                    kernel.allocAnonBlock(0, 9); // 1 GiB of anonymous memory in 2 MiB chunks
                }
            }
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

    /** Takes every page, then frees every other one until {@code freePages} are free: no free page has a free buddy. */
    private static void fragment(GuestKernel k, long freePages) {
        long[] firsts = new long[(int) (k.geometry().totalPages() / 512) + 1];
        int n = 0;
        for (long first = k.allocAnonBlock(0, 9); first >= 0; first = k.allocAnonBlock(0, 9)) {
            firsts[n++] = first;
        }
        long freed = 0;
        for (int i = 0; i < n && freed < freePages; i++) {
            for (long pfn = firsts[i]; pfn < firsts[i] + 512 && freed < freePages; pfn += 2) {
                k.freeAnon(pfn);
                freed++;
            }
        }
    }
}
