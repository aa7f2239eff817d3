package io.pagehint.api.tighten.testing;

import io.pagehint.api.memory.GuestMemoryLayout;

/** A layout to tighten, with the name a test report shows for it (the machine line it came from). */
public record NamedLayout(String name, GuestMemoryLayout layout) {

    @Override
    public String toString() {
        return name;
    }
}
