package io.pagehint.reference.vm;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.vm.DeviceMemory;
import io.pagehint.api.vm.DirtyLog;
import io.pagehint.api.vm.GuestRam;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.api.vm.VmControl;
import io.pagehint.reference.ram.DirtyLogFile;
import io.pagehint.reference.ram.GuestPhysicalMemory;
import io.pagehint.reference.ram.RamFileLayout;
import io.pagehint.reference.ram.RamImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A running reference guest as its VMM offers it: a read-only mapping of its RAM, its dirty log,
 * its control socket, and device memory (a writable mapping whose writes take the guest's own
 * write path, so they mark the dirty log as a VMM marks device writes).
 */
public final class ReferenceVirtualMachine implements VirtualMachine, AutoCloseable {

    private final String id;
    private final GuestMemoryLayout layout;
    private final RamImage image;
    private final DirtyLogFile logFile;
    private final GuestPhysicalMemory deviceMemory;
    private final MappedGuestRam ram;
    private final SharedDirtyLog dirtyLog;
    private final SocketVmControl control;

    private ReferenceVirtualMachine(String id, GuestMemoryLayout layout, RamImage image, DirtyLogFile logFile,
                                    GuestPhysicalMemory deviceMemory, SocketVmControl control) {
        this.id = id;
        this.layout = layout;
        this.image = image;
        this.logFile = logFile;
        this.deviceMemory = deviceMemory;
        this.ram = new MappedGuestRam(image);
        this.dirtyLog = new SharedDirtyLog(logFile);
        this.control = control;
    }

    /** Maps a running guest's files; they must match {@code layout}. */
    public static ReferenceVirtualMachine open(String id, GuestMemoryLayout layout, Path ramFile, Path dirtyLogFile,
                                               Path controlSocket, Duration controlTimeout) throws IOException {
        RamImage image = RamImage.open(ramFile, layout);
        DirtyLogFile log = null;
        try {
            log = DirtyLogFile.open(dirtyLogFile, new RamFileLayout(layout));
            GuestPhysicalMemory device = GuestPhysicalMemory.open(ramFile, log);
            return new ReferenceVirtualMachine(id, layout, image, log, device, new SocketVmControl(controlSocket, controlTimeout));
        } catch (IOException | RuntimeException e) {
            image.close();
            if (log != null) {
                log.close();
            }
            throw e;
        }
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

    @Override
    public DirtyLog dirtyLog() {
        return dirtyLog;
    }

    @Override
    public VmControl control() {
        return control;
    }

    @Override
    public DeviceMemory deviceMemory() {
        return deviceMemory;
    }

    /** Unmaps everything and closes the control connection; the guest runs on. */
    @Override
    public void close() {
        control.close();
        deviceMemory.close();
        image.close();
        logFile.close();
    }

    @Override
    public String toString() {
        return "ReferenceVirtualMachine[" + id + ", " + layout.machine() + ", " + (layout.ramBytes() >> 20) + " MiB]";
    }
}
