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

    @Option(names = "--arch", paramLabel = "<arch>",
            description = "Architecture (default: the one whose layout provider serves --machine: x86_64 for pc and q35, aarch64 for virt).")
    String arch;

    @Option(names = "--ram", defaultValue = "1G", converter = ByteSizeConverter.class, paramLabel = "<size>",
            description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    long ram;

    @Option(names = {"-o", "--option"}, paramLabel = "<name=value>", description = "A machine option; repeatable.")
    Map<String, String> options = new LinkedHashMap<>();

    /** The machine these options describe (see {@link MachineOptions#spec(CliContext, String, String, long, Map)}). */
    public MachineSpec spec(CliContext context) {
        return MachineOptions.spec(context, arch, machine, ram, options);
    }

    public long ram() {
        return ram;
    }

    public String machine() {
        return machine;
    }
}
