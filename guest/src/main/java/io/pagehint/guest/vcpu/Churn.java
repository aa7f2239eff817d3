package io.pagehint.guest.vcpu;

import io.pagehint.guest.kernel.PageCache;

/**
 * A kernel-compile-like mix, one operation at a time: the "compiler" allocates anonymous memory
 * (order 0 to 2, each page written whole), patches and rewrites it, and frees it when a "process"
 * exits; source files are read through the page cache (first half of the disk's files), object
 * files written (second half); vCPU 0 writes back dirty pages every 1000 operations, like the
 * flusher. A vCPU keeps at most a quarter of RAM / vCPUs anonymous; the page cache grows until
 * memory pressure makes the allocator reclaim clean pages.
 */
final class Churn implements Workload {

    private final Pacer pacer;
    private long ops;

    Churn(double opsPerSecond) {
        this.pacer = new Pacer(opsPerSecond);
    }

    @Override
    public long step(VcpuContext cpu) {
        int dice = cpu.random().nextInt(100);
        PageCache cache = cpu.kernel().pageCache();
        int files = cache.files();
        long maxAnon = Math.max(16, cpu.ramPages() / 4 / cpu.vcpus());
        if (dice < 30 || cpu.ownedPages() == 0) {
            int order = cpu.random().nextInt(3);
            long first = cpu.kernel().allocAnonBlock(cpu.id(), order);
            if (first >= 0) {
                for (long pfn = first; pfn < first + (1L << order); pfn++) {
                    cpu.fillPage(pfn);
                    cpu.keep(pfn);
                }
            }
            while (cpu.ownedPages() > maxAnon) {
                cpu.freeOldest();
            }
        } else if (dice < 50) {
            cpu.patchPage(randomOwned(cpu), 8 + cpu.random().nextInt(505));
        } else if (dice < 75) {
            cache.read(cpu.random().nextInt(Math.max(1, files / 2)), cpu.random().nextInt(1024), cpu.scratch());
        } else if (dice < 90) {
            cache.write(files / 2 + cpu.random().nextInt(Math.max(1, files - files / 2)), cpu.random().nextInt(1024), cpu.scratch());
            cpu.addBytes(cpu.pageSize());
        } else if (dice < 95) {
            int n = Math.min(64, (cpu.ownedPages() + 1) / 2);
            for (int i = 0; i < n; i++) {
                cpu.freeOldest();
            }
        } else {
            cpu.fillPage(randomOwned(cpu));
        }
        if (++ops % 1000 == 0 && cpu.id() == 0) {
            cache.writeback(256);
        }
        return pacer.next();
    }

    private static long randomOwned(VcpuContext cpu) {
        return cpu.ownedPage(cpu.random().nextInt(cpu.ownedPages()));
    }

    @Override
    public String name() {
        return "churn";
    }
}
