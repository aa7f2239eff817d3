package io.pagehint.guest.boot;

import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.guest.kernel.SelfCheck;
import io.pagehint.reference.check.ReceivedRamCheck;
import io.pagehint.reference.ram.RamImage;
import org.osgi.service.component.annotations.Component;

/**
 * The guest kernel's self-check, offered to the reference VMM's destinations (bundle
 * io.pagehint.reference), which know the RAM file but not the kernel's data structures in it.
 */
@Component(service = ReceivedRamCheck.class)
public final class ReceivedRamSelfCheck implements ReceivedRamCheck {

    @Override
    public SelfCheckResult check(RamImage ram) {
        return SelfCheck.run(ram).toResult();
    }
}
