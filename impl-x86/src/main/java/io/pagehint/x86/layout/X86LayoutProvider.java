package io.pagehint.x86.layout;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The layouts of QEMU's x86 {@code pc} and {@code q35} machines, as a service. Stateless: each call
 * builds the layout of its spec ({@link X86Layouts}); the options are listed on {@link X86Options}
 * and in the bundle's README.
 */
@Component(service = LayoutProvider.class, property = {
        LayoutProvider.ARCH + "=" + X86Layouts.ARCH,
        LayoutProvider.MACHINES + "=pc",
        LayoutProvider.MACHINES + "=q35"})
public final class X86LayoutProvider implements LayoutProvider {

    @Override
    public GuestMemoryLayout layout(MachineSpec spec) {
        return X86Layouts.layout(spec);
    }
}
