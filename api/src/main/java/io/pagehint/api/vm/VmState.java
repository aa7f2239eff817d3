package io.pagehint.api.vm;

/** What a guest's vCPUs are doing. */
public enum VmState {
    RUNNING,
    /** Every vCPU at a safepoint, no write in flight. */
    PAUSED,
    /** The guest has stopped for good or cannot be reached. */
    GONE
}
