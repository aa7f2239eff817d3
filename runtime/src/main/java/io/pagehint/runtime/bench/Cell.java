package io.pagehint.runtime.bench;

import io.pagehint.runtime.migration.HintChannel;

/**
 * One column of the results: a scenario, the channel its hinted runs use, and whether the guest
 * boots with init-on-alloc. Its legacy runs use no channel at all, but are run beside the hinted
 * ones on an identical guest, so every ratio comes from a pair measured side by side.
 */
public record Cell(Scenario scenario, HintChannel.Kind channel, boolean initOnAlloc) {

    /** "idle/serial", "churn/virtio+init-on-alloc". */
    public String label() {
        return scenario.cliName() + "/" + channelName() + (initOnAlloc ? "+init-on-alloc" : "");
    }

    public String channelName() {
        return channel.cliName();
    }
}
