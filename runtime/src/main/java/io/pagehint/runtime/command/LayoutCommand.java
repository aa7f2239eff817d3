package io.pagehint.runtime.command;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.LayoutProvider;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.MachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.layout.LayoutJson;
import io.pagehint.runtime.layout.LayoutText;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pagehint layout}: the guest-physical layout a layout provider builds for a machine. */
@Command(name = "layout", mixinStandardHelpOptions = true,
        description = "Prints the guest-physical memory map (RAM, reserved, holes) and the RAM blocks of a machine, "
                + "as the layout provider for its architecture builds them.")
public final class LayoutCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    MachineOptions machineOptions;

    @Option(names = "--json", description = "Print JSON: addresses as hex strings, sizes in bytes.")
    boolean json;

    public LayoutCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        MachineSpec spec = machineOptions.spec(context);
        String arch = spec.arch();
        String machine = spec.machine();
        String filter = "(&(" + LayoutProvider.ARCH + "=" + MachineOptions.escape(arch) + ")(" + LayoutProvider.MACHINES + "="
                + MachineOptions.escape(machine) + "))";
        LayoutProvider provider = context.await(LayoutProvider.class, filter,
                "layout provider for " + machine + " (" + arch + ")");
        GuestMemoryLayout layout;
        try {
            layout = provider.layout(spec);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
        if (json) {
            Json.print(LayoutJson.of(layout), context.out());
        } else {
            LayoutText.print(layout, context.out());
        }
        return 0;
    }
}
