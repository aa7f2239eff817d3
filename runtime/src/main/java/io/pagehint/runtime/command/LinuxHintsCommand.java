package io.pagehint.runtime.command;

import io.pagehint.api.hint.HintException;
import io.pagehint.api.hint.HintSource;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.qemu.launch.GuestLinuxBuild;
import io.pagehint.qemu.launch.LinuxGuestSpec;
import io.pagehint.qemu.launch.QemuGuest;
import io.pagehint.runtime.cli.ByteSizeConverter;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.DropCacheOption;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.JsonOption;
import io.pagehint.runtime.cli.MachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.cli.ProcessOnly;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.GuestAttachment;
import io.pagehint.runtime.migration.HintChannel;
import io.pagehint.runtime.qemu.CheckReport;
import io.pagehint.runtime.qemu.HintCheck;
import io.pagehint.runtime.qemu.QemuGuestConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint linux-hints}: boots a Linux guest with pagehint's guest side (guest-linux/)
 * under QEMU, in a private folder in /dev/shm, with its virtio-serial port wired to this
 * runtime's serial host end; waits for the agent; asks for the free pages; stops the VM over QMP
 * at READY; tightens with the machine's layout; reads every hinted page from the RAM file; prints
 * the report; then quits QEMU and removes its files (also on failure and on Ctrl-C).
 */
@Command(name = "linux-hints", mixinStandardHelpOptions = true,
        description = "Boots a Linux guest under QEMU, asks it for its free pages over the serial port, checks them in its RAM.")
public final class LinuxHintsCommand implements Callable<Integer>, ProcessOnly {

    private static final Pattern READY = Pattern.compile("pagehint-agent: ready");

    private final CliContext context;

    @Option(names = "--ram", defaultValue = "2G", converter = ByteSizeConverter.class, paramLabel = "<size>",
            description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    long ram;

    @Option(names = "--machine", defaultValue = "q35", paramLabel = "q35|pc", description = "Machine type (default: ${DEFAULT-VALUE}).")
    String machine;

    @Option(names = "--prep", defaultValue = "none", paramLabel = "none|churn:<MiB>|fragment:<pages>",
            description = "What the guest's /init does to memory before the agent starts (default: ${DEFAULT-VALUE}).")
    String prep;

    @Option(names = "--init-on-free", defaultValue = "1", paramLabel = "0|1",
            description = "Boot with init_on_free=1 (freed pages are zeroed, so every hinted page must read zero) or 0 (default: ${DEFAULT-VALUE}).")
    int initOnFree;

    @Option(names = "--guest-linux", defaultValue = "guest-linux", paramLabel = "<dir>",
            description = "The guest-linux folder whose build.sh made the initramfs (default: ${DEFAULT-VALUE}).")
    Path guestLinux;

    @Option(names = "--kernel-version", paramLabel = "<version>", description = "The guest kernel (default: the newest one built for).")
    String kernelVersion;

    @Option(names = "--boot-timeout", defaultValue = "300s", converter = Durations.class, paramLabel = "<duration>",
            description = "How long to wait for the booting guest's agent (TCG boots take 11-24 s for 2 GiB, plus --prep; default: ${DEFAULT-VALUE}).")
    Duration bootTimeout;

    @Option(names = "--timeout", defaultValue = "60s", converter = Durations.class, paramLabel = "<duration>",
            description = "How long to wait for each answer once the agent is there (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--console", description = "Copy the guest's console to standard error.")
    boolean console;

    @Mixin
    DropCacheOption dropCacheOption;

    @Mixin
    JsonOption jsonOption;

    public LinuxHintsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (initOnFree != 0 && initOnFree != 1) {
            throw new CliException("--init-on-free is 0 or 1, not " + initOnFree, PagehintCli.EXIT_USAGE);
        }
        LinuxGuestSpec spec;
        try {
            GuestLinuxBuild build = GuestLinuxBuild.find(guestLinux, kernelVersion);
            spec = new LinuxGuestSpec(build.kernel(), build.initrd(), machine, ram, 1, initOnFree == 1, prep, false);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
        MachineSpec machineSpec = MachineOptions.spec(context, null, machine, ram, Map.of());
        BitmapTightener tightener = context.await(BitmapTightener.class, "(&(" + BitmapTightener.ARCH + "=" + machineSpec.arch() + ")("
                + BitmapTightener.MACHINES + "=" + MachineOptions.escape(machine) + "))", "tightener for " + machine);
        // the host end's socket lives in the guest's work folder, so everything goes with it
        try (QemuGuest guest = QemuGuest.create(spec, Path.of("serial.sock"), console ? this::echo : null)) {
            String id = "linux-" + guest.workFolder().getFileName().toString().replace("pagehint-qemu-", "");
            QemuGuestConfig config = new QemuGuestConfig(id, machineSpec, guest.ramFile(), guest.qmpSocket());
            // the host end waits for the guest's HELLO as long as the guest may take to boot
            HintChannel channel = new HintChannel(HintChannel.Kind.SERIAL, guest.serialSocket(),
                    Map.of("hello.timeout.ms", Long.toString(bootTimeout.toMillis())));
            // the host end listens before QEMU starts: QEMU connects the port's chardev at once
            try (GuestAttachment attached = GuestAttachment.attachListening(context, id, QemuGuestConfig.ADAPTER_FACTORY_PID,
                    config.adapterConfiguration(), config.describe(), channel)) {
                guest.start();
                guest.awaitConsole(0, READY, bootTimeout, "'pagehint-agent: ready' from the guest");
                Duration boot = guest.uptime();
                HintSource hints = attached.awaitHints(bootTimeout.minus(boot).isNegative() ? Duration.ofSeconds(1) : bootTimeout.minus(boot));
                int mark = guest.consoleMark();
                HintCheck.Result result = HintCheck.run(attached.vm(), hints, tightener, dropCacheOption.dropCache(), timeout);
                CheckReport report = new CheckReport(result, machine).booted(boot, initOnFree == 1);
                try {
                    // the agent prints its walk line after BITMAP_DONE, so the guest stopped at READY may not have yet
                    if (result.stopped()) {
                        attached.vm().control().resume();
                    }
                    Matcher walk = guest.awaitConsole(mark, CheckReport.WALK, timeout, "the agent's walk line");
                    report.walk(walk.group(0));
                } catch (IOException e) {
                    context.err().println("pagehint: " + e.getMessage());
                }
                if (jsonOption.json()) {
                    Json.print(report.toJson(), context.out());
                } else {
                    report.printText(context.out());
                }
                return result.stopped() ? 0 : 1;
            }
        } catch (HintException e) {
            throw new CliException("the guest's serial channel failed: " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
    }

    private void echo(String line) {
        synchronized (context.err()) {
            context.err().println("guest| " + line);
            context.err().flush();
        }
    }
}
