package io.pagehint.runtime.cli;

import io.pagehint.api.memory.MachineSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The machine of the guests a command starts itself ({@code demo}, {@code bench}), with defaults:
 * {@code @Mixin GuestMachineOptions machine;}. Commands that name an existing guest's machine use
 * {@link MachineOptions}, whose options are required.
 */
public final class GuestMachineOptions {

    @Option(names = "--machine", defaultValue = "q35", paramLabel = "<type>", description = "Machine type (default: ${DEFAULT-VALUE}).")
    String machine;

    @Option(names = "--ram", defaultValue = "1G", converter = ByteSizeConverter.class, paramLabel = "<size>",
            description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    long ram;

    @Mixin
    ArchAndMachineOptions archAndOptions;

    /** The machine these options describe (see {@link MachineOptions#spec(CliContext, String, String, long, Map)}). */
    public MachineSpec spec(CliContext context) {
        return MachineOptions.spec(context, archAndOptions.arch, machine, ram, archAndOptions.options);
    }

    public long ram() {
        return ram;
    }

    public String machine() {
        return machine;
    }
}
