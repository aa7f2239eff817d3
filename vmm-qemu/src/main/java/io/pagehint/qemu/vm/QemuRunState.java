package io.pagehint.qemu.vm;

import io.pagehint.api.vm.VmState;

/** QEMU's run states (query-status) as the API's {@link VmState}. */
final class QemuRunState {

    private QemuRunState() {
    }

    static VmState of(String qemuStatus) {
        return switch (qemuStatus) {
            case "running" -> VmState.RUNNING;
            // the guest has ended: it will not run again without a reset
            case "shutdown", "guest-panicked", "internal-error", "io-error" -> VmState.GONE;
            // paused, prelaunch, suspended, finish-migrate, inmigrate, postmigrate, debug, watchdog, ...
            default -> VmState.PAUSED;
        };
    }
}
