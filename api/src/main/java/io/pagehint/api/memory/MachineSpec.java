package io.pagehint.api.memory;

import java.util.Map;
import java.util.Optional;

/**
 * What a host is asked to build: a machine type of an architecture with an amount of RAM and
 * machine options, as on a VMM command line ({@code -machine q35,max-ram-below-4g=2G -m 8G}).
 * The option names are the layout provider's; {@link LayoutProvider} documents them.
 *
 * @param arch     "x86_64", "aarch64", ...
 * @param machine  "pc", "q35", "virt", ...
 * @param ramBytes RAM at boot, not counting hot-plugged DIMMs
 * @param options  machine options by name (for example {@code max-ram-below-4g=2G},
 *                 {@code host-page-size=2M}, {@code dimms=1G,1G})
 */
public record MachineSpec(String arch, String machine, long ramBytes, Map<String, String> options) {

    public MachineSpec {
        options = Map.copyOf(options);
        if (arch == null || machine == null || ramBytes <= 0) {
            throw new IllegalArgumentException("a machine needs an arch, a machine type and RAM");
        }
    }

    public MachineSpec(String arch, String machine, long ramBytes) {
        this(arch, machine, ramBytes, Map.of());
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
