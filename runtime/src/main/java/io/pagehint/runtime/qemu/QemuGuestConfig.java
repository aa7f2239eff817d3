package io.pagehint.runtime.qemu;

import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.cli.MachineOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The factory configuration of the QEMU adapter (pid {@value #ADAPTER_FACTORY_PID}) for one
 * running QEMU guest: its machine, RAM file and QMP socket, and the filter that picks the layout
 * provider of its arch and machine type.
 */
public record QemuGuestConfig(String vmId, MachineSpec machine, Path ramFile, Path qmpSocket) {

    /** The QEMU adapter's factory pid (io.pagehint.qemu.vm.QemuVmComponent). */
    public static final String ADAPTER_FACTORY_PID = "io.pagehint.qemu.vm";

    public Map<String, Object> adapterConfiguration() {
        String[] options = machine.options().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toArray(String[]::new);
        Map<String, Object> c = new HashMap<>();
        c.put("vm.id", vmId);
        c.put("arch", machine.arch());
        c.put("machine", machine.machine());
        c.put("ram.size", Long.toString(machine.ramBytes()));
        c.put("machine.options", options);
        c.put("ram.file", ramFile.toString());
        c.put("qmp.socket", qmpSocket.toString());
        c.put("layout.target", "(&(" + LayoutProvider.ARCH + "=" + MachineOptions.escape(machine.arch()) + ")("
                + LayoutProvider.MACHINES + "=" + MachineOptions.escape(machine.machine()) + "))");
        return c;
    }

    /** How the user names this guest when it does not appear. */
    public String describe() {
        return "QEMU guest " + vmId + " (is " + ramFile + " its RAM file, of --ram " + machine.ramBytes()
                + " bytes, and is a layout provider for " + machine.machine() + " there?)";
    }
}
