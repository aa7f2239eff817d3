package io.pagehint.runtime.cli;

import io.pagehint.api.memory.MachineSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The machine of the guests a command starts itself ({@code demo}, {@code bench}), with defaults:
 * {@code @Mixin GuestMachineOptions machine;}. Commands that name an existing guest's machine use
 * {@link MachineOptions}, whose options are required.
 */
public final class GuestMachineOptions {

    @Option(names = "--machine", defaultValue = "q35", paramLabel = "<type>", description = "Machine type (default: ${DEFAULT-VALUE}).")
    String machine;

    @Option(names = "--arch", defaultValue = "x86_64", paramLabel = "<arch>", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--ram", defaultValue = "1G", converter = ByteSizeConverter.class, paramLabel = "<size>",
            description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    long ram;

    @Option(names = {"-o", "--option"}, paramLabel = "<name=value>", description = "A machine option; repeatable.")
    Map<String, String> options = new LinkedHashMap<>();

    /** The machine these options describe; a usage error if they describe none. */
    public MachineSpec spec() {
        try {
            return new MachineSpec(arch, machine, ram, options);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
    }

    public long ram() {
        return ram;
    }

    public String machine() {
        return machine;
    }
}
