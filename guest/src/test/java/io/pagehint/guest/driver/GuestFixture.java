package io.pagehint.guest.driver;

import io.pagehint.api.bitmap.PageBitmap;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.guest.kernel.PageDescriptors;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.testing.ShmDir;
import io.pagehint.x86.layout.X86Layouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The reference guest's real kernel on RAM and dirty-log files in a private /dev/shm directory,
 * and the host's own mapping of the same RAM (the device memory a VMM gives its device models,
 * whose writes mark the dirty log). For driver tests in one process; tests across processes run
 * the guest process itself ({@link io.pagehint.guest.testing.GuestProcessHandle}).
 */
public final class GuestFixture implements AutoCloseable {

    private final Path dir;
    private final ShmDir owned;
    private final GuestMemoryLayout layout;
    private final GuestPhysicalMemory guestMemory;
    private final GuestKernel kernel;
    private GuestPhysicalMemory hostMemory;

    private GuestFixture(Path dir, ShmDir owned, GuestMemoryLayout layout, GuestPhysicalMemory guestMemory, GuestKernel kernel) {
        this.dir = dir;
        this.owned = owned;
        this.layout = layout;
        this.guestMemory = guestMemory;
        this.kernel = kernel;
    }

    /**
     * A QEMU pc guest of {@code ramMiB} with {@code belowMiB} of it below 4 GiB and the rest above,
     * as impl-x86 lays it out.
     */
    public static GuestMemoryLayout pc(long ramMiB, long belowMiB) {
        return X86Layouts.layout(new MachineSpec("x86_64", "pc", ramMiB << 20, Map.of("max-ram-below-4g", belowMiB + "M")));
    }

    /** Boots a kernel into fresh RAM files in a new /dev/shm directory, removed on {@link #close()}. */
    public static GuestFixture boot(GuestMemoryLayout layout, BootOptions options) {
        ShmDir shm = new ShmDir();
        try {
            GuestPhysicalMemory mem = GuestPhysicalMemory.create(shm.resolve("ram"), shm.resolve("dirty-log"), layout);
            return new GuestFixture(shm.path(), shm, layout, mem, GuestKernel.boot(mem, options));
        } catch (IOException | RuntimeException e) {
            shm.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * The kernel of a guest process ({@link io.pagehint.guest.testing.GuestProcessHandle}) as it
     * stands in its RAM now: the host's view of it, for expectations. Take a new one after the guest
     * has changed: the allocator's counters are read once.
     */
    public static GuestFixture attach(Path ramFile, Path dirtyLog, GuestMemoryLayout layout) throws IOException {
        GuestPhysicalMemory mem = GuestPhysicalMemory.open(ramFile, dirtyLog, layout);
        return new GuestFixture(ramFile.getParent(), null, layout, mem, GuestKernel.attach(mem));
    }

    public GuestMemoryLayout layout() {
        return layout;
    }

    public GuestKernel kernel() {
        return kernel;
    }

    public Path dir() {
        return dir;
    }

    /** The host's own mapping of the guest's RAM, as its device models use it. */
    public synchronized GuestPhysicalMemory hostMemory() {
        if (hostMemory == null) {
            try {
                hostMemory = GuestPhysicalMemory.open(dir.resolve("ram"), dir.resolve("dirty-log"), layout); // as boot() named them
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return hostMemory;
    }

    /**
     * The pages free now, as the page descriptors say ({@link PageDescriptors}): not through the free
     * lists or the kept bitmap, which the drivers under test read to build their hints.
     */
    public PageBitmap freePages() {
        return PageDescriptors.freePages(kernel);
    }

    /** The naturally aligned blocks of {@code 2^order} pages wholly free in {@code free}: what a virtio driver can hint. */
    public static PageBitmap wholeBlocks(PageBitmap free, int order) {
        long n = 1L << order;
        PageBitmap b = new PageBitmap(free.size());
        for (long pfn = 0; pfn + n <= free.size(); pfn += n) {
            if (free.cardinality(pfn, pfn + n) == n) {
                b.setRange(pfn, pfn + n);
            }
        }
        return b;
    }

    /**
     * Whether {@code hinted} is what a virtio round should bring from a guest whose wholly free
     * max-order blocks were {@code wholeBlocks}: only such blocks, and all of them but what the
     * kernel keeps back for itself (a hint block is taken only above a zone's min watermark, as
     * Linux's {@code __GFP_NOMEMALLOC} allocation is: at most one block per zone, one zone per RAM range here).
     */
    public static boolean allWholeBlocksButTheReserve(PageBitmap hinted, PageBitmap wholeBlocks, GuestMemoryLayout layout, int order) {
        PageBitmap outside = hinted.copy();
        outside.andNot(wholeBlocks);
        long missing = wholeBlocks.cardinality() - hinted.cardinality();
        return outside.cardinality() == 0 && missing >= 0 && missing <= (long) layout.ramRanges().size() << order;
    }

    /**
     * Breaks free memory up as a busy guest would: allocates single pages until {@code fraction} of
     * the free pages are taken, writes each, then frees a random half of them. What stays free
     * is scattered, so few max-order blocks are left whole.
     */
    public List<Long> fragment(double fraction, long seed) {
        Random random = new Random(seed);
        long target = (long) (kernel.freePages() * fraction);
        List<Long> taken = new ArrayList<>();
        byte[] page = new byte[layout.guestPageSize()];
        for (long i = 0; i < target; i++) {
            long pfn = kernel.allocAnon(0);
            if (pfn < 0) {
                break;
            }
            random.nextBytes(page);
            kernel.writeAnonPage(pfn, page);
            taken.add(pfn);
        }
        List<Long> kept = new ArrayList<>();
        for (long pfn : taken) {
            if (random.nextBoolean()) {
                kernel.freeAnon(pfn);
            } else {
                kept.add(pfn);
            }
        }
        return kept;
    }

    @Override
    public void close() {
        if (hostMemory != null) {
            hostMemory.close();
        }
        guestMemory.close();
        if (owned != null) {
            owned.close();
        }
    }
}
