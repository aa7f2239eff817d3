package io.pagehint.channel.virtio.ring;

import java.util.List;

/** A chain the driver made available: its head index (what goes back in the used ring) and its descriptors. */
public record DescriptorChain(int head, List<Descriptor> descriptors) {

    public DescriptorChain {
        descriptors = List.copyOf(descriptors);
    }
}
