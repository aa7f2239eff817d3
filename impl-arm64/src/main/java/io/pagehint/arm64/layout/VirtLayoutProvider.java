package io.pagehint.arm64.layout;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The layouts of QEMU's Arm {@code virt} machine, as a service. Stateless: each call builds the layout
 * of its spec ({@link VirtLayouts}); the options are listed on {@link VirtOptions} and in the bundle's
 * README.
 */
@Component(service = LayoutProvider.class, property = {
        LayoutProvider.ARCH + "=" + VirtLayouts.ARCH,
        LayoutProvider.MACHINES + "=" + VirtLayouts.MACHINE})
public final class VirtLayoutProvider implements LayoutProvider {

    @Override
    public GuestMemoryLayout layout(MachineSpec spec) {
        return VirtLayouts.layout(spec);
    }
}
