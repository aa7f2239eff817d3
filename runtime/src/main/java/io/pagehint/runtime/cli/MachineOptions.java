package io.pagehint.runtime.cli;

import io.pagehint.api.memory.MachineSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The machine options every command that names a guest machine takes: {@code @Mixin MachineOptions machine;}. */
public final class MachineOptions {

    @Option(names = "--machine", required = true, paramLabel = "<type>", description = "Machine type: pc, q35, virt, ...")
    String machine;

    @Option(names = "--ram", required = true, paramLabel = "<size>", converter = ByteSizeConverter.class,
            description = "RAM at boot: 512M, 8G, 1T, 0x40000000.")
    long ram;

    @Option(names = "--arch", paramLabel = "<arch>", defaultValue = "x86_64",
            description = "Architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = {"-o", "--option"}, paramLabel = "<name=value>",
            description = "A machine option, as the layout provider names it (max-ram-below-4g=2G, host-page-size=2M); repeatable.")
    Map<String, String> options = new LinkedHashMap<>();

    /** The machine these options describe; a usage error if they describe none. */
    public MachineSpec spec() {
        try {
            return new MachineSpec(arch, machine, ram, options);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
    }
}
