package io.pagehint.runtime.cli;

import io.pagehint.runtime.command.BenchCommand;
import io.pagehint.runtime.command.CancelCommand;
import io.pagehint.runtime.command.DemoCommand;
import io.pagehint.runtime.command.GuestCheckCommand;
import io.pagehint.runtime.command.GuestCommand;
import io.pagehint.runtime.command.HintsCommand;
import io.pagehint.runtime.command.InfoCommand;
import io.pagehint.runtime.command.LayoutCommand;
import io.pagehint.runtime.command.LinuxHintsCommand;
import io.pagehint.runtime.command.MigrateCommand;
import io.pagehint.runtime.command.MigrationsCommand;
import io.pagehint.runtime.command.QemuHintsCommand;
import io.pagehint.runtime.command.ReceiveCommand;
import io.pagehint.runtime.command.ShellCommand;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code pagehint} command. To add a subcommand, write a class in
 * {@code io.pagehint.runtime.command} (see runtime/README.md) and name it in {@code subcommands}
 * below, one per line; it becomes a Gogo command as well unless it is {@link ProcessOnly}.
 */
@Command(name = "pagehint",
        mixinStandardHelpOptions = true,
        versionProvider = BundleVersion.class,
        description = "Live migration of virtual machines that skips the guest's free pages.",
        // read by the launcher before the framework starts (io.pagehint.runtime.launch.LogSettings), so not options here
        footer = {"", "Framework log lines (components, channels, the engine) show warnings only. First on the command line:",
                "      --verbose          also show INFO lines on stderr",
                "      --log-file <file>  write INFO lines and up to <file> instead"},
        subcommands = {
                InfoCommand.class,
                LayoutCommand.class,
                GuestCommand.class,
                GuestCheckCommand.class,
                ReceiveCommand.class,
                MigrateCommand.class,
                HintsCommand.class,
                QemuHintsCommand.class,
                LinuxHintsCommand.class,
                DemoCommand.class,
                BenchCommand.class,
                MigrationsCommand.class,
                CancelCommand.class,
                ShellCommand.class,
                HelpCommand.class,
        })
public final class PagehintCommand implements Runnable {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    public PagehintCommand(CliContext context) {
        this.context = context;
    }

    @Option(names = "--wait", paramLabel = "<duration>", converter = Durations.class, scope = ScopeType.INHERIT,
            description = "How long a command waits for a service it needs (500ms, 10s, 2m; default: 10s).")
    void serviceWait(Duration wait) {
        context.serviceWait(wait);
    }

    /** {@code pagehint} alone: say what it can do. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say which command to run");
    }
}
