package io.pagehint.guest.boot;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.SelfCheck;
import io.pagehint.guest.kernel.SelfCheckReport;
import io.pagehint.reference.ram.RamImage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * The two commands of the reference guest, independent of where they run: {@code pagehint guest}
 * in the runtime (layouts from the LayoutProvider service) and the test launcher (layouts from
 * the x86 provider directly) call the same code. Exit codes: 0 ok, 1 failed (or check failed),
 * 2 wrong command line.
 */
public final class GuestLauncher {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private GuestLauncher() {
    }

    /** {@code pagehint guest}: runs a guest until it is told to quit. */
    public static int runGuest(String[] args, Function<MachineSpec, GuestMemoryLayout> layouts, PrintStream out,
                               PrintStream err) {
        Parsed<GuestConfig> p = parse("pagehint guest", args, GuestArguments::parseGuest, GuestConfig::machine,
                GuestArguments.GUEST_USAGE, layouts, out, err);
        if (p.exit() >= 0) {
            return p.exit();
        }
        GuestConfig config = p.config();
        GuestMemoryLayout layout = p.layout();
        try {
            StartChecks.files(config); // before anything is created: a wrong path leaves nothing behind
        } catch (IllegalArgumentException e) {
            err.println("pagehint guest: " + e.getMessage());
            return EXIT_USAGE; // nothing was created
        }
        GuestProcess guest;
        try {
            guest = GuestProcess.start(config, layout);
        } catch (IOException | RuntimeException e) {
            err.println("pagehint guest: could not start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return EXIT_FAILED;
        }
        Thread hook = new Thread(guest::close, "guest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("guest running: control socket " + config.control());
        out.flush();
        try {
            guest.awaitQuit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            guest.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: the guest is closed either way
            }
        }
        out.println("guest stopped");
        return EXIT_OK;
    }

    /** A parsed command line and its layout, or the exit code when the command ends here (help, error). */
    private record Parsed<C>(C config, GuestMemoryLayout layout, int exit) {
    }

    private static <C> Parsed<C> parse(String command, String[] args, Function<String[], C> parser,
                                       Function<C, MachineSpec> machine, String usage,
                                       Function<MachineSpec, GuestMemoryLayout> layouts, PrintStream out, PrintStream err) {
        try {
            C config = parser.apply(args);
            if (config == null) {
                out.print(usage);
                return new Parsed<>(null, null, EXIT_OK);
            }
            return new Parsed<>(config, layouts.apply(machine.apply(config)), -1);
        } catch (IllegalArgumentException e) {
            // one line: what is wrong; the options are a --help away
            err.println(command + ": " + e.getMessage() + " (" + command + " --help lists the options)");
            return new Parsed<>(null, null, EXIT_USAGE);
        }
    }

    /** {@code pagehint guest-check}: the self-check of a guest's RAM file, printed or as JSON. */
    public static int runCheck(String[] args, Function<MachineSpec, GuestMemoryLayout> layouts, PrintStream out,
                               PrintStream err) {
        Parsed<GuestArguments.CheckConfig> p = parse("pagehint guest-check", args, GuestArguments::parseCheck,
                GuestArguments.CheckConfig::machine, GuestArguments.CHECK_USAGE, layouts, out, err);
        if (p.exit() >= 0) {
            return p.exit();
        }
        GuestArguments.CheckConfig config = p.config();
        GuestMemoryLayout layout = p.layout();
        SelfCheckReport report;
        try (RamImage image = RamImage.open(config.ramFile(), layout)) {
            report = SelfCheck.run(image);
        } catch (IOException e) {
            err.println("pagehint guest-check: cannot map " + config.ramFile() + ": " + e);
            return EXIT_FAILED;
        }
        if (config.json()) {
            out.println(report.toJson());
        } else {
            report.print(out);
        }
        return report.passed() ? EXIT_OK : EXIT_FAILED;
    }
}
