package io.pagehint.guest.vcpu;

/**
 * Dirties memory at a fixed rate: each vCPU builds a working set of anonymous pages (a quarter of
 * RAM at most, 64 MiB at most, split among the vCPUs), then rewrites its pages whole, one per
 * operation, round and round. What a migration must converge against.
 */
final class Hog implements Workload {

    private final double mbPerSecond;
    /** Page writes a second make the rate: made at the first step, which knows the guest's page size. */
    private Pacer pacer;
    private int next;

    Hog(double mbPerSecond) {
        this.mbPerSecond = mbPerSecond;
    }

    @Override
    public long step(VcpuContext cpu) {
        if (pacer == null) {
            pacer = new Pacer(mbPerSecond * (1 << 20) / cpu.pageSize());
        }
        long want = Math.max(16, Math.min(cpu.ramPages() / 4, (64L << 20) / cpu.pageSize()) / cpu.vcpus());
        if (cpu.ownedPages() < want && cpu.allocAndFill() >= 0) {
            return pacer.next();
        }
        if (cpu.ownedPages() == 0) {
            return Idle.TICK_NANOS;
        }
        cpu.fillPage(cpu.ownedPage(next++ % cpu.ownedPages()));
        return pacer.next();
    }

    @Override
    public String name() {
        return "hog";
    }
}
