package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code pagehint guest-check}: the reference guest's self-check of a RAM file (exit 0 when it
 * passes, 1 when not); handed to the guest bundle's {@code pagehint.command=guest-check} service.
 */
@Command(name = "guest-check",
        description = "Attaches read-only to a reference guest's RAM file and runs its self-check "
                + "(--ram-file F --machine M --ram SIZE [--json]).")
public final class GuestCheckCommand implements Callable<Integer> {

    private final CliContext context;

    @Unmatched
    List<String> args = new ArrayList<>();

    public GuestCheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return GuestBundleCommands.run(context, "guest-check", args);
    }
}
