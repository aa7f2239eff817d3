package io.pagehint.api.vm;

import io.pagehint.api.memory.GuestMemoryLayout;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A running guest as its VMM offers it to a migration engine and to device models: its layout,
 * a read-only view of its RAM, its dirty log and its controls. A VMM (or, for the reference guest,
 * the host-side adapters) registers one service per guest with a {@link #VM_ID} property; hint
 * sources for that guest carry the same property.
 */
@ConsumerType
public interface VirtualMachine {

    /** Service property (String): the guest's id, unique in the runtime. */
    String VM_ID = "vm.id";

    String id();

    /** The guest-physical layout, as the host built it; never guest data. */
    GuestMemoryLayout layout();

    GuestRam ram();

    DirtyLog dirtyLog();

    VmControl control();

    /** Guest-physical memory access for device models, whose writes mark the dirty log. */
    DeviceMemory deviceMemory();

    /**
     * Why this guest cannot be migrated, as one line for the user; empty when it can. A VMM
     * adapter that has no dirty log to give (QEMU keeps its own to itself) says so here, and a
     * {@link io.pagehint.api.migration.MigrationService} refuses the guest before it starts
     * anything. The default: it can.
     */
    default Optional<String> migrationRefusal() {
        return Optional.empty();
    }
}
