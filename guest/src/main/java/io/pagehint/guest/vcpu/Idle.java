package io.pagehint.guest.vcpu;

/**
 * An idle guest: each vCPU owns one page (its timer and log state) and writes a few bytes of it
 * four times a second.
 */
final class Idle implements Workload {

    static final long TICK_NANOS = 250_000_000L;

    private long timerPage = -1;

    @Override
    public long step(VcpuContext cpu) {
        if (timerPage < 0) {
            timerPage = cpu.allocAndFill();
            return timerPage < 0 ? TICK_NANOS : 0;
        }
        cpu.patchPage(timerPage, 64);
        return TICK_NANOS;
    }

    @Override
    public String name() {
        return "idle";
    }
}
