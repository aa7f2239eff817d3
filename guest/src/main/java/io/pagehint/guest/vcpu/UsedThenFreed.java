package io.pagehint.guest.vcpu;

/**
 * Fills its share of the given size with random data one page per operation, frees it all (64
 * pages per operation), then idles: afterwards the free lists are full of pages holding stale
 * data, which only a hint can keep off the wire (the note's guest "after a memory-hungry workload
 * had exited"). Filling goes as fast as it can, or at a set number of pages a second: a guest
 * migrated while it fills keeps taking pages that were free a moment ago (memory pressure).
 */
final class UsedThenFreed implements Workload {

    private final long bytes;
    private final Pacer fill;
    private final Idle idle = new Idle();
    private Phase phase = Phase.FILLING;

    enum Phase { FILLING, FREEING, IDLE }

    /** @param pagesPerSecond how fast to fill; 0 for as fast as it can */
    UsedThenFreed(long bytes, double pagesPerSecond) {
        this.bytes = bytes;
        this.fill = pagesPerSecond > 0 ? new Pacer(pagesPerSecond) : null;
    }

    @Override
    public long step(VcpuContext cpu) {
        switch (phase) {
            case FILLING -> {
                if (cpu.ownedPages() >= bytes / cpu.pageSize() || cpu.allocAndFill() < 0) {
                    phase = Phase.FREEING;
                }
                return fill == null ? 0 : fill.next();
            }
            case FREEING -> {
                for (int i = 0; i < 64; i++) {
                    if (!cpu.freeOldest()) {
                        phase = Phase.IDLE;
                        break;
                    }
                }
                return 0;
            }
            default -> {
                return idle.step(cpu);
            }
        }
    }

    Phase phase() {
        return phase;
    }

    @Override
    public String name() {
        return "used-then-freed:" + phase.name().toLowerCase(java.util.Locale.ROOT);
    }
}
