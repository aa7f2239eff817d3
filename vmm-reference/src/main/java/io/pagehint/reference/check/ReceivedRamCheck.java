package io.pagehint.reference.check;

import io.pagehint.api.vm.SelfCheckResult;
import io.pagehint.reference.ram.RamImage;

/**
 * Checks a reference guest's RAM as it arrived on a destination, before the guest runs there (the
 * guest bundle's self-check, docs/GUEST.md). Without such a service a destination reports its
 * guests as not checked.
 */
public interface ReceivedRamCheck {

    /** Checks {@code ram}, a read-only mapping of what arrived; never throws for what it finds. */
    SelfCheckResult check(RamImage ram);
}
