package io.pagehint.qemu.vm;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmControl;
import io.pagehint.qemu.ram.QemuRamFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A running QEMU guest whose RAM is a {@code memory-backend-file,share=on}, as an outside
 * process can have it: its layout (from the machine type and RAM size), its RAM read-only from the
 * file, and stop/cont/status over QMP. It serves hint requests only: QEMU keeps its dirty log to
 * itself, so there is none here and no engine may migrate this guest ({@link #migrationRefusal()}).
 */
public final class QemuVirtualMachine implements VirtualMachine, AutoCloseable {

    /** Why a QEMU guest cannot be migrated by pagehint, as the user reads it. */
    public static final String NO_DIRTY_LOG = "QEMU guests serve hint requests only: QEMU gives no dirty log to an outside process";

    private final String id;
    private final GuestMemoryLayout layout;
    private final QemuRamFile ram;
    private final QmpVmControl control;

    private QemuVirtualMachine(String id, GuestMemoryLayout layout, QemuRamFile ram, QmpVmControl control) {
        this.id = id;
        this.layout = layout;
        this.ram = ram;
        this.control = control;
    }

    /**
     * Opens a running guest's RAM file (it must match {@code layout}); QMP is connected on first use.
     *
     * @param qmpTimeout how long a QMP command may take
     */
    public static QemuVirtualMachine open(String id, GuestMemoryLayout layout, Path ramFile, Path qmpSocket,
                                          Duration qmpTimeout) throws IOException {
        return new QemuVirtualMachine(id, layout, QemuRamFile.open(ramFile, layout), new QmpVmControl(qmpSocket, qmpTimeout));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GuestMemoryLayout layout() {
        return layout;
    }

    @Override
    public GuestRam ram() {
        return ram;
    }

    /** There is none: QEMU gives no dirty log to an outside process, and a made-up one would lose writes. */
    @Override
    public DirtyLog dirtyLog() {
        throw new UnsupportedOperationException(NO_DIRTY_LOG);
    }

    @Override
    public VmControl control() {
        return control;
    }

    /** QEMU's devices are QEMU's own; pagehint runs no device model for this guest. */
    @Override
    public DeviceMemory deviceMemory() {
        throw new UnsupportedOperationException("a QEMU guest's devices are QEMU's own: pagehint has no device memory for it");
    }

    @Override
    public Optional<String> migrationRefusal() {
        return Optional.of(NO_DIRTY_LOG);
    }

    /** Unmaps nothing at once (see {@link QemuRamFile}), closes the file and QMP; the guest runs on. */
    @Override
    public void close() {
        control.close();
        ram.close();
    }

    @Override
    public String toString() {
        return "QemuVirtualMachine[" + id + ", " + layout.machine() + ", " + (layout.ramBytes() >> 20) + " MiB]";
    }
}
