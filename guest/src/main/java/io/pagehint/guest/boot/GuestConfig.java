package io.pagehint.guest.boot;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.BootOptions;
import io.pagehint.guest.kernel.GuestKernel;
import io.pagehint.guest.vcpu.WorkloadSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a guest process is started with.
 *
 * @param machine  the machine (arch, type, RAM, machine options) whose layout the guest gets
 * @param ramFile  the RAM file: created (must not exist) unless {@code attach}
 * @param dirtyLog the dirty-log file: created (must not exist) unless {@code attach}, which opens
 *                 it or, when it does not exist (RAM that arrived by migration), creates it
 * @param control  the control socket path (must not exist)
 * @param workload what the vCPUs run
 * @param vcpus    vCPU threads
 * @param seed     seeds every vCPU's random stream
 * @param boot     the kernel's boot options (ignored on attach: the RAM says how it was booted)
 * @param serial   the virtio-serial hint channel's host socket, or null
 * @param virtio   the virtio-balloon device's doorbell socket, or null
 * @param hintPace a slow guest, for tests of late hints: how long the hint drivers pause between
 *                 the pieces they hand the host (zero: none)
 * @param attach   take up the kernel already in the RAM file instead of booting a new one
 * @param paused   start with every vCPU stopped at a safepoint until RESUME (QEMU's {@code -S})
 */
public record GuestConfig(MachineSpec machine, Path ramFile, Path dirtyLog, Path control, WorkloadSpec workload,
                          int vcpus, long seed, BootOptions boot, Path serial, Path virtio, java.time.Duration hintPace,
                          boolean attach, boolean paused) {

    public GuestConfig {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(ramFile, "ram file");
        Objects.requireNonNull(dirtyLog, "dirty log");
        Objects.requireNonNull(control, "control socket");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(boot, "boot options");
        Objects.requireNonNull(hintPace, "hint pace");
        if (vcpus < 1 || vcpus > GuestKernel.MAX_VCPUS) {
            throw new IllegalArgumentException("vCPUs must be 1.." + GuestKernel.MAX_VCPUS + ": " + vcpus);
        }
    }
}
