package io.pagehint.runtime.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --arch} and {@code -o}: what names a machine beyond its type and RAM, the same whether a
 * command starts its guests ({@link GuestMachineOptions}) or names a running one ({@link MachineOptions}),
 * which both mix this in.
 */
public final class ArchAndMachineOptions {

    @Option(names = "--arch", paramLabel = "<arch>",
            description = "Architecture (default: the one whose layout provider serves --machine: x86_64 for pc and q35, aarch64 for virt).")
    String arch;

    @Option(names = {"-o", "--option"}, paramLabel = "<name=value>",
            description = "A machine option, as the layout provider names it (max-ram-below-4g=2G, host-page-size=2M); repeatable.")
    Map<String, String> options = new LinkedHashMap<>();

    /** Whether --arch or any -o was given. */
    boolean given() {
        return arch != null || !options.isEmpty();
    }
}
