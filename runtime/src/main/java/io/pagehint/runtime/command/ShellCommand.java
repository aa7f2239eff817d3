package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.ProcessOnly;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import picocli.CommandLine.Command;

/**
 * {@code pagehint shell}: the Gogo shell on this process's console. Only this command reads
 * stdin; the runtime starts Gogo with {@code --nointeractive} so every other command leaves it alone.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Opens the Gogo shell on this console (pagehint:info, pagehint:layout, lb, scr:list, ...). "
                + "End it with Ctrl-D.")
public final class ShellCommand implements Callable<Integer>, ProcessOnly {

    private final CliContext context;

    public ShellCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        CommandProcessor processor = context.await(CommandProcessor.class, null, "Gogo command processor");
        // the process's own descriptors: Gogo has replaced System.out with a stream that writes to
        // whatever session runs on the current thread, and a session over it writes to itself
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        try (CommandSession session = processor.createSession(new FileInputStream(FileDescriptor.in), out, err);
             BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in)))) {
            // --login reads Gogo's profile (its usual commands) into the session; --noshutdown leaves
            // the framework to the launcher, which stops it once this command returns
            session.execute("gosh --login --noshutdown --nointeractive");
            readEvalPrint(session, in, out, err);
        }
        return 0;
    }

    /**
     * Gogo's own console loop ({@code gosh} without {@code --nointeractive}) runs every line inside
     * the one long job of the shell, which keeps each line's pipe and its buffered streams until
     * the shell ends: about 100 KB a line. Here each line is a job of its own, freed when it ends.
     */
    private static void readEvalPrint(CommandSession session, BufferedReader in, PrintStream out, PrintStream err)
            throws IOException {
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line = in.readLine();
            if (line == null) {
                out.println();
                out.println("gosh: stopping shell");
                return;
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                Object result = session.execute(line);
                if (result != null) {
                    out.println(session.format(result, Converter.INSPECT));
                }
            } catch (Exception e) {
                // one line, as Gogo's console prints it; $exception holds the whole of it
                session.put("exception", e);
                err.println("gogo: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private static final String PROMPT = "g! ";
}
