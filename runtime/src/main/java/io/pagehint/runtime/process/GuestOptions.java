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

    // not required by picocli: migrate also names a QEMU guest (--qemu-qmp) by --ram-file and the machine alone
    @Option(names = "--guest-control", paramLabel = "<socket>", description = "The guest's control socket.")
    Path control;

    @Option(names = "--ram-file", required = true, paramLabel = "<file>", description = "The guest's RAM file.")
    Path ramFile;

    @Option(names = "--dirty-log", paramLabel = "<file>", description = "The guest's dirty-log file.")
    Path dirtyLog;

    @Mixin
    MachineOptions machineOptions;

    @Option(names = "--vm-id", paramLabel = "<id>", description = "The guest's id here (default: the control socket's file name).")
    String vmId;

    /** The RAM file named. */
    public Path ramFile() {
        return ramFile;
    }

    /** The machine named (a usage error if it is none). */
    public io.pagehint.api.memory.MachineSpec machine(io.pagehint.runtime.cli.CliContext context) {
        return machineOptions.spec(context);
    }

    /** The id given with --vm-id, or null. */
    public String vmId() {
        return vmId;
    }

    /** The guest these options name; a usage error if its machine is none. */
    public GuestFiles files(io.pagehint.runtime.cli.CliContext context) {
        if (control == null || dirtyLog == null) {
            throw new io.pagehint.runtime.cli.CliException("a reference guest needs --guest-control and --dirty-log",
                    io.pagehint.runtime.cli.PagehintCli.EXIT_USAGE);
        }
        String id = vmId != null ? vmId : control.getFileName().toString();
        return new GuestFiles(id, machineOptions.spec(context), ramFile, dirtyLog, control);
    }
}
