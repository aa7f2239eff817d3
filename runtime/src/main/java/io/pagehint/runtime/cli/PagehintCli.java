package io.pagehint.runtime.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Runs one {@code pagehint} command line inside the framework; the entry point of the launcher's service and of the Gogo commands. */
public final class PagehintCli {

    public static final int EXIT_OK = 0;
    /** The command ran and failed. */
    public static final int EXIT_FAILED = 1;
    /** The command line was wrong (picocli's code for usage errors). */
    public static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(PagehintCli.class);

    private PagehintCli() {
    }

    /**
     * Parses and runs {@code args}; what the command prints goes to {@code out} and {@code err},
     * which are flushed, not closed.
     *
     * @return the exit code
     */
    public static int run(BundleContext bundleContext, PrintWriter out, PrintWriter err, String... args) {
        LOG.debug("command line: pagehint {}", String.join(" ", args));
        try (CliContext context = new CliContext(bundleContext, out, err)) {
            CommandLine cl = new CommandLine(PagehintCommand.class, new CliFactory(context))
                    .setOut(out)
                    .setErr(err)
                    .setExecutionExceptionHandler(PagehintCli::failed);
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The names of the subcommands that may run inside a Gogo session (not {@link ProcessOnly}). */
    public static List<String> sessionCommands() {
        List<String> names = new ArrayList<>();
        for (Class<?> sub : PagehintCommand.class.getAnnotation(Command.class).subcommands()) {
            Command c = sub.getAnnotation(Command.class);
            if (c != null && !ProcessOnly.class.isAssignableFrom(sub) && sub.getPackage() != CommandLine.class.getPackage()) {
                names.add(c.name());
            }
        }
        return names;
    }

    /** Each {@link #sessionCommands()} name with its one-line description, as {@code --help} gives it. */
    public static Map<String, String> sessionCommandDescriptions() {
        Map<String, String> described = new LinkedHashMap<>();
        for (Class<?> sub : PagehintCommand.class.getAnnotation(Command.class).subcommands()) {
            Command c = sub.getAnnotation(Command.class);
            if (c != null && sessionCommands().contains(c.name())) {
                described.put(c.name(), String.join(" ", c.description()));
            }
        }
        return described;
    }

    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String command = cl.getCommandSpec().qualifiedName();
        if (e instanceof CliException ce) {
            cl.getErr().println(command + ": " + ce.getMessage());
            return ce.exitCode();
        }
        if (e instanceof InterruptedException) {
            // SIGINT or SIGTERM: the launcher interrupts the command before it stops the runtime
            cl.getErr().println(command + ": stopped by a signal");
            return EXIT_FAILED;
        }
        LOG.error("{} failed", command, e);
        cl.getErr().println(command + ": failed: " + e);
        return EXIT_FAILED;
    }
}
