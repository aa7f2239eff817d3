package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.ProcessOnly;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.concurrent.Callable;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
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
        try (CommandSession session = processor.createSession(new FileInputStream(FileDescriptor.in),
                new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err))) {
            // --login reads Gogo's profile (its usual commands); --noshutdown leaves the framework
            // to the launcher, which stops it once this command returns
            session.execute("gosh --login --noshutdown");
        }
        return 0;
    }
}
