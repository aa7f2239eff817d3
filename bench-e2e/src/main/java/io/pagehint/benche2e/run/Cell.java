package io.pagehint.benche2e.run;

/**
 * One column of the results: a scenario, the channel its hinted runs use, and whether the guest
 * boots with init-on-alloc. Its legacy runs use no channel at all, but are run beside the hinted
 * ones on an identical guest, so every ratio comes from a pair measured side by side.
 */
public record Cell(Scenario scenario, String channel, boolean initOnAlloc, Transport transport) {

    public Cell(Scenario scenario, String channel, boolean initOnAlloc) {
        this(scenario, channel, initOnAlloc, Transport.PLAIN);
    }

    /** "idle/serial", "churn/virtio+init-on-alloc", "used-then-freed/serial tls x2". */
    public String label() {
        return scenario.cliName() + "/" + channelName() + (initOnAlloc ? "+init-on-alloc" : "")
                + (transport.isPlainSingle() ? "" : " " + transport.label());
    }

    /** The channel's command-line name: serial, virtio. */
    public String channelName() {
        return channel;
    }
}
