package io.pagehint.runtime.process;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.MachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.format.ByteSizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--ram-file", paramLabel = "<file>", description = "The guest's RAM file.")
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
    public MachineSpec machine(CliContext context) {
        return machineOptions.spec(context);
    }

    /** The id given with --vm-id, or null. */
    public String vmId() {
        return vmId;
    }

    /** Whether any of the guest's files was given: a command may name a guest another way ({@code migrate --vm}). */
    public boolean given() {
        return control != null || ramFile != null || dirtyLog != null || vmId != null || machineOptions.given();
    }

    /**
     * The guest these options name; a usage error, in one line and before anything is configured,
     * if a file is missing, its machine is none or its files are not those of a running guest of that
     * machine (the host adapter would fail on them, and the command would wait for a guest that cannot
     * appear). The files are checked here, not by picocli, so that {@code migrate --vm} can do without them.
     */
    public GuestFiles files(CliContext context) {
        List<String> missing = new ArrayList<>();
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
            throw usage("missing required option" + (missing.size() > 1 ? "s: " : ": ") + String.join(", ", missing));
        }
        String id = vmId != null ? vmId : control.getFileName().toString();
        MachineSpec machine = machineOptions.spec(context);
        if (!Files.isRegularFile(ramFile)) {
            throw usage("--ram-file " + ramFile + " does not exist (the RAM file `pagehint guest` was started with)");
        }
        if (!Files.isRegularFile(dirtyLog)) {
            throw usage("--dirty-log " + dirtyLog + " does not exist (the dirty log `pagehint guest` was started with)");
        }
        if (!Files.exists(control) || Files.isRegularFile(control) || Files.isDirectory(control)) {
            throw usage("--guest-control " + control + " is not a running guest's control socket");
        }
        long expected = MachineOptions.layout(context, machine).ramBytes();
        long actual;
        try {
            actual = Files.size(ramFile);
        } catch (IOException e) {
            throw usage("--ram-file " + ramFile + ": " + e.getMessage());
        }
        if (actual != expected) {
            throw usage("--ram-file " + ramFile + " holds " + ByteSizes.format(actual) + " of RAM, but a " + machine.machine()
                    + " guest with --ram " + ByteSizes.format(machine.ramBytes()) + " has " + ByteSizes.format(expected)
                    + ": give the --ram and -o options the guest was started with");
        }
        return new GuestFiles(id, machine, ramFile, dirtyLog, control);
    }

    private static CliException usage(String message) {
        return new CliException(message, PagehintCli.EXIT_USAGE);
    }
}
