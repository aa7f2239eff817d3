package io.pagehint.guest.vcpu;

import io.pagehint.guest.kernel.PageCache;

/**
 * Reads files page by page until its share of the given size is in the page cache (clean), then
 * idles: a guest whose free memory went to cache, which only dropping the clean cache (section 6
 * of the note) can free for hinting. vCPU {@code v} reads files {@code v, v + n, ...}.
 */
final class PageCacheFill implements Workload {

    private final long bytes;
    private final Idle idle = new Idle();
    private long read;
    private volatile boolean filled;

    PageCacheFill(long bytes) {
        this.bytes = bytes;
    }

    @Override
    public long step(VcpuContext cpu) {
        PageCache cache = cpu.kernel().pageCache();
        if (read < bytes / cpu.pageSize()) {
            long n = read++;
            int file = (int) (cpu.id() + (n / 1024) * cpu.vcpus());
            if (file < cache.files() && cache.read(file, (int) (n % 1024), cpu.scratch()) >= 0) {
                return 0;
            }
            read = Long.MAX_VALUE; // out of disk or memory: done
        }
        filled = true;
        return idle.step(cpu);
    }

    @Override
    public String name() {
        return filled ? "page-cache:idle" : "page-cache:filling";
    }
}
