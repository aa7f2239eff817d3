package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.ProcessOnly;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code pagehint guest}: runs the reference guest in this process until QUIT on its control
 * socket. The options belong to the guest bundle ({@code pagehint guest --help} lists them); this
 * command hands them to its {@code pagehint.command=guest} service.
 */
@Command(name = "guest",
        description = "Runs the reference guest in this process: RAM on a shared file, vCPU workloads, a control "
                + "socket, hint drivers (--help lists the options).")
public final class GuestCommand implements Callable<Integer>, ProcessOnly {

    private final CliContext context;

    @Unmatched
    List<String> args = new ArrayList<>();

    public GuestCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return GuestBundleCommands.run(context, "guest", args);
    }
}
