package io.pagehint.runtime.gogo;

import io.pagehint.runtime.cli.PagehintCli;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;

/** One subcommand as a Gogo function: runs {@code pagehint <name> <arguments>} and prints to the session. */
final class GogoCommand implements Function {

    private final BundleContext context;
    private final String name;

    GogoCommand(BundleContext context, String name) {
        this.context = context;
        this.name = name;
    }

    /**
     * Prints what the command prints; returns nothing, so Gogo prints nothing more. Prints to
     * {@code System.out}, which Gogo points at the session or at the next command of a pipe
     * ({@code pagehint:info | grep x86}) for the thread that runs the command.
     */
    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        String[] args = new String[arguments.size() + 1];
        args[0] = name;
        for (int i = 0; i < arguments.size(); i++) {
            args[i + 1] = String.valueOf(arguments.get(i));
        }
        Charset cs = Charset.defaultCharset();
        PagehintCli.run(context,
                new PrintWriter(new OutputStreamWriter(System.out, cs)),
                new PrintWriter(new OutputStreamWriter(System.err, cs)),
                args);
        return null;
    }
}
