package io.pagehint.runtime.command;

import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.runtime.cli.CliContext;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pagehint migrations}: the migrations running in this runtime (in the shell, where they live). */
@Command(name = "migrations", mixinStandardHelpOptions = true,
        description = "Lists the migrations running in this runtime, both ends, with their phase.")
public final class MigrationsCommand implements Callable<Integer> {

    private final CliContext context;

    public MigrationsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<Migration> active = context.await(MigrationService.class, null, "migration engine").active();
        if (active.isEmpty()) {
            context.out().println("no migration is running");
        }
        for (Migration m : active) {
            context.out().printf("%s  %-11s  %s%n", m.id(), m.role().name().toLowerCase(), m.phase());
        }
        context.out().flush();
        return 0;
    }
}
