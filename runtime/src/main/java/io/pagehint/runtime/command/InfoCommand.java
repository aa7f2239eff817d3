package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.info.InfoJson;
import io.pagehint.runtime.info.InfoText;
import io.pagehint.runtime.info.RuntimeInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pagehint info}: what runs in this runtime, now. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Lists the bundles with their state, and the tighteners, layout providers, hint sources, "
                + "virtual machines, VM provisioners and migration services with their service properties.")
public final class InfoCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    public InfoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        RuntimeInfo info = RuntimeInfo.of(context.bundleContext());
        if (json) {
            Json.print(InfoJson.of(info), context.out());
        } else {
            InfoText.print(info, context.out());
        }
        return 0;
    }
}
