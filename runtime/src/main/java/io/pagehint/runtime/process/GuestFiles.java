package io.pagehint.runtime.process;

import io.pagehint.api.memory.MachineSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a running reference guest can be reached from the host: its machine and the files it
 * shares with the host, as `pagehint guest` was started with them.
 *
 * @param vmId        the guest's id in this runtime
 * @param machine     arch, machine type, RAM and machine options
 * @param ramFile     its RAM file
 * @param dirtyLog    its dirty-log file
 * @param control     its control socket
 */
public record GuestFiles(String vmId, MachineSpec machine, Path ramFile, Path dirtyLog, Path control) {

    /**
     * The factory pid of the reference guest's host adapter (bundle io.pagehint.reference), which
     * registers the API VirtualMachine; operators use it in etc/*.cfg, so it keeps its name.
     */
    public static final String ADAPTER_FACTORY_PID = "io.pagehint.guest.vm";

    /** The configuration of the guest's host adapter (factory pid {@value #ADAPTER_FACTORY_PID}). */
    public Map<String, Object> adapterConfiguration() {
        String[] options = machine.options().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().toArray(String[]::new);
        return Map.of("vm.id", vmId, "arch", machine.arch(), "machine", machine.machine(),
                "ram.size", Long.toString(machine.ramBytes()), "machine.options", options,
                "ram.file", ramFile.toString(), "dirty.log.file", dirtyLog.toString(),
                "control.socket", control.toString());
    }
}
