package io.pagehint.api.vm;

import io.pagehint.api.memory.MachineSpec;
import java.io.IOException;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates the destination side of a guest for an incoming migration, as a VMM started with
 * {@code -incoming} would. Registered as a service by whatever owns guest RAM on the destination.
 */
@ConsumerType
public interface VmProvisioner {

    /**
     * Prepares RAM for a guest of {@code machine}, empty (reading as zeros, holding no memory).
     *
     * @param vmId    the guest's id
     * @param params  provisioner-specific settings (for the reference guest: {@code ram.file})
     */
    IncomingVm prepareIncoming(String vmId, MachineSpec machine, Map<String, String> params) throws IOException;
}
