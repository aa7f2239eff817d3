package io.pagehint.reference.vm;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VmProvisioner;
import io.pagehint.reference.check.ReceivedRamCheck;
import io.pagehint.reference.layout.LayoutResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Creates the destination side of reference guests: {@link #prepareIncoming} makes a sparse RAM
 * file at the {@value #RAM_FILE} parameter for the layout of the machine, from whichever
 * {@link LayoutProvider} serves its arch and machine type. Its incoming VMs verify with the
 * {@link ReceivedRamCheck} the guest bundle offers, when one is there at verify time.
 */
@Component(service = VmProvisioner.class)
public final class VmProvisionerComponent implements VmProvisioner {

    /** Parameter of {@link #prepareIncoming}: where to create the RAM file (must not exist). */
    public static final String RAM_FILE = "ram.file";

    private final LayoutResolver layouts = new LayoutResolver();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReceivedRamCheck check;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLayoutProvider(LayoutProvider p, Map<String, Object> props) {
        layouts.add(p, props);
    }

    void removeLayoutProvider(LayoutProvider p) {
        layouts.remove(p);
    }

    @Override
    public IncomingVm prepareIncoming(String vmId, MachineSpec machine, Map<String, String> params) throws IOException {
        String file = params.get(RAM_FILE);
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("the reference guest's provisioner needs the " + RAM_FILE + " parameter");
        }
        GuestMemoryLayout layout;
        try {
            layout = layouts.apply(machine);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return ReferenceIncomingVm.create(vmId, layout, Path.of(file), () -> check);
    }
}
