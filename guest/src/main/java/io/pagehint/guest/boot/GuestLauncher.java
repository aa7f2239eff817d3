package io.pagehint.guest.boot;

import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.guest.kernel.SelfCheck;
import io.pagehint.guest.kernel.SelfCheckReport;
import io.pagehint.guest.ram.RamImage;
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
        GuestConfig config;
        GuestMemoryLayout layout;
        try {
            config = GuestArguments.parseGuest(args);
            if (config == null) {
                out.print(GuestArguments.GUEST_USAGE);
                return EXIT_OK;
            }
            layout = layouts.apply(config.machine());
        } catch (IllegalArgumentException e) {
            err.println("pagehint guest: " + e.getMessage());
            err.print(GuestArguments.GUEST_USAGE);
            return EXIT_USAGE;
        }
        GuestProcess guest;
        try {
            guest = GuestProcess.start(config, layout);
        } catch (IOException | RuntimeException e) {
            err.println("pagehint guest: could not start: " + e.getMessage());
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

    /** {@code pagehint guest-check}: the self-check of a guest's RAM file, printed or as JSON. */
    public static int runCheck(String[] args, Function<MachineSpec, GuestMemoryLayout> layouts, PrintStream out,
                               PrintStream err) {
        GuestArguments.CheckConfig config;
        GuestMemoryLayout layout;
        try {
            config = GuestArguments.parseCheck(args);
            if (config == null) {
                out.print(GuestArguments.CHECK_USAGE);
                return EXIT_OK;
            }
            layout = layouts.apply(config.machine());
        } catch (IllegalArgumentException e) {
            err.println("pagehint guest-check: " + e.getMessage());
            err.print(GuestArguments.CHECK_USAGE);
            return EXIT_USAGE;
        }
        SelfCheckReport report;
        try (RamImage image = RamImage.open(config.ramFile(), layout)) {
            report = SelfCheck.run(image);
        } catch (IOException e) {
            err.println("pagehint guest-check: " + e.getMessage());
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
