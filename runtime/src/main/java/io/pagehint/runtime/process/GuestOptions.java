package io.pagehint.runtime.process;

import io.pagehint.runtime.cli.MachineOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that name a running reference guest, as {@code pagehint guest} was started:
 * {@code @Mixin GuestOptions guest;} in a command that attaches one.
 */
public final class GuestOptions {

    @Option(names = "--guest-control", paramLabel = "<socket>", description = "The guest's control socket.")
    Path control;

    @Option(names = "--ram-file", paramLabel = "<file>", description = "The guest's RAM file.")
    Path ramFile;

    @Option(names = "--dirty-log", paramLabel = "<file>", description = "The guest's dirty-log file.")
    Path dirtyLog;

    @Mixin
    MachineOptions machineOptions;

    @Option(names = "--vm-id", paramLabel = "<id>", description = "The guest's id here (default: the control socket's file name).")
    String vmId;

    /** Whether any of the guest's files was given: a command may name a guest another way ({@code migrate --vm}). */
    public boolean given() {
        return control != null || ramFile != null || dirtyLog != null || vmId != null || machineOptions.given();
    }

    /**
     * The guest these options name; a usage error if a file is missing or its machine is none.
     * (The files are checked here, not by picocli, so that {@code migrate --vm} can do without them.)
     */
    public GuestFiles files(io.pagehint.runtime.cli.CliContext context) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (control == null) {
            missing.add("--guest-control");
        }
        if (ramFile == null) {
            missing.add("--ram-file");
        }
        if (dirtyLog == null) {
            missing.add("--dirty-log");
        }
        if (!missing.isEmpty()) {
            throw new io.pagehint.runtime.cli.CliException("missing required option" + (missing.size() > 1 ? "s: " : ": ")
                    + String.join(", ", missing), io.pagehint.runtime.cli.PagehintCli.EXIT_USAGE);
        }
        String id = vmId != null ? vmId : control.getFileName().toString();
        return new GuestFiles(id, machineOptions.spec(context), ramFile, dirtyLog, control);
    }
}
