package io.pagehint.guest.vcpu;

/**
 * What a vCPU runs: a sequence of short operations, each run between two safepoints (inside the
 * execution gate), so a pause never waits for more than one of them. An operation touches a few
 * pages at most.
 */
public interface Workload {

    /**
     * Runs one operation on {@code cpu}.
     *
     * @return nanoseconds the vCPU should wait (at a safepoint) before the next operation, 0 for none
     */
    long step(VcpuContext cpu);

    /** The name the command line and the status use. */
    String name();
}
