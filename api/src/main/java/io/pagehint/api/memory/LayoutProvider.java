package io.pagehint.api.memory;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds guest-physical layouts for the machine types of one architecture, as that machine's VMM
 * lays them out. Architecture bundles register it as a service with {@link #ARCH} and
 * {@link #MACHINES} properties; hosts and the reference guest find the provider for a
 * {@link MachineSpec} by those properties.
 */
@ConsumerType
public interface LayoutProvider {

    /** Service property (String): the architecture served, e.g. "x86_64". */
    String ARCH = "pagehint.arch";
    /** Service property (String+): the machine types served, e.g. {"pc", "q35"}. */
    String MACHINES = "pagehint.machine";

    /**
     * The layout of {@code spec}.
     *
     * @throws IllegalArgumentException if the spec names a machine or option this provider does
     *                                  not know, or values that machine cannot have
     */
    GuestMemoryLayout layout(MachineSpec spec);
}
