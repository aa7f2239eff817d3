package io.pagehint.channel.testing;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmControl;

/** The parts of a VirtualMachine a channel uses: its id, layout and device memory. */
public record TestVm(String id, GuestMemoryLayout layout, DeviceMemory deviceMemory) implements VirtualMachine {

    @Override
    public GuestRam ram() {
        throw new UnsupportedOperationException("channels do not read guest RAM views");
    }

    @Override
    public DirtyLog dirtyLog() {
        throw new UnsupportedOperationException("channels do not use the dirty log");
    }

    @Override
    public VmControl control() {
        throw new UnsupportedOperationException("channels do not control vCPUs");
    }
}
