package io.pagehint.api.vm;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/** What a VMM lets a migration engine do to a guest's vCPUs. */
@ConsumerType
public interface VmControl {

    /** Stops every vCPU at a safepoint; when this returns no guest write is in flight. */
    void pause() throws IOException;

    /** Lets the vCPUs run again. */
    void resume() throws IOException;

    /**
     * Throttles the vCPUs to run {@code 100 - percent}% of the time (auto-converge): 0 removes
     * the throttle, 99 is the most.
     */
    void throttle(int percent) throws IOException;

    VmState state() throws IOException;
}
