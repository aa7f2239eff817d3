package io.pagehint.runtime.command;

import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pagehint cancel ID}: cancels a running migration of this runtime, in whatever phase it is;
 * the source guest is resumed and the destination discards what it received. (A {@code pagehint
 * migrate} process is cancelled with Ctrl-C.)
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a running migration of this runtime (an id or its first characters, as migrations lists it).")
public final class CancelCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(paramLabel = "<id>", description = "The migration's id, or a prefix that names one migration.")
    String id;

    public CancelCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<Migration> matching = context.await(MigrationService.class, null, "migration engine").active().stream()
                .filter(m -> m.id().startsWith(id)).toList();
        if (matching.size() != 1) {
            throw new CliException(matching.isEmpty() ? "no running migration has id " + id
                    : id + " names " + matching.size() + " migrations; give more of the id");
        }
        Migration m = matching.get(0);
        m.cancel();
        context.out().println("cancelling " + m.id() + " (" + m.role().name().toLowerCase() + ", " + m.phase() + ")");
        context.out().flush();
        return 0;
    }
}
