package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The reference guest's commands live in its bundle (io.pagehint.guest), which offers each as a
 * {@code ToIntFunction<String[]>} service with a {@code pagehint.command} property: the command
 * line reaches them as services, like every implementation, and their options are parsed once,
 * by the bundle that owns them.
 */
final class GuestBundleCommands {

    private GuestBundleCommands() {
    }

    @SuppressWarnings("unchecked")
    static int run(CliContext context, String command, List<String> args) {
        ToIntFunction<String[]> service = context.await(ToIntFunction.class, "(pagehint.command=" + command + ")",
                "reference guest command '" + command + "' (bundle io.pagehint.guest)");
        return service.applyAsInt(args.toArray(String[]::new));
    }
}
