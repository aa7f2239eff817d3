package io.pagehint.runtime.command;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.MachineOptions;
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
        GuestMemoryLayout layout = MachineOptions.layout(context, machineOptions.spec(context));
        if (json) {
            Json.print(LayoutJson.of(layout), context.out());
        } else {
            LayoutText.print(layout, context.out());
        }
        return 0;
    }
}
