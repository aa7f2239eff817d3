package io.pagehint.runtime.command;

import io.pagehint.api.hint.HintException;
import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.tighten.BitmapTightener;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.DropCacheOption;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.JsonOption;
import io.pagehint.runtime.cli.MachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint qemu-hints}: asks a running QEMU guest (RAM in a {@code memory-backend-file,share=on},
 * a QMP socket, a virtio-serial port {@code org.pagehint.0} whose chardev connects to
 * {@code --channel-socket}) for its free pages over the serial channel, stops it over QMP at
 * READY, tightens with its layout, reads the hinted pages from its RAM file, prints the report,
 * and lets it run again (unless {@code --leave-stopped}).
 */
@Command(name = "qemu-hints", mixinStandardHelpOptions = true,
        description = "Asks a running QEMU guest for its free pages over the serial port and checks them in its RAM file.")
public final class QemuHintsCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--qemu-qmp", required = true, paramLabel = "<socket>", description = "The guest's QMP socket (-qmp unix:<socket>,server=on,wait=off).")
    Path qmp;

    @Option(names = "--ram-file", required = true, paramLabel = "<file>", description = "The mem-path of the guest's memory-backend-file (share=on).")
    Path ramFile;

    @Mixin
    MachineOptions machineOptions;

    @Option(names = "--vm-id", paramLabel = "<id>", description = "The guest's id here (default: the RAM file's name).")
    String vmId;

    @Option(names = "--channel", defaultValue = "serial", paramLabel = "serial", description = "The hint channel: serial (default).")
    String channel;

    @Option(names = "--channel-socket", required = true, paramLabel = "<socket>",
            description = "Where the host end listens; the guest's chardev connects there (socket,server=off,reconnect=1).")
    Path channelSocket;

    @Option(names = "--boot-timeout", defaultValue = "120s", converter = Durations.class, paramLabel = "<duration>",
            description = "How long to wait for the guest's agent to connect, e.g. while it boots (default: ${DEFAULT-VALUE}).")
    Duration bootTimeout;

    @Option(names = "--timeout", defaultValue = "30s", converter = Durations.class, paramLabel = "<duration>",
            description = "How long to wait for each answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--leave-stopped", description = "Leave the guest stopped after the check (default: cont).")
    boolean leaveStopped;

    @Mixin
    DropCacheOption dropCacheOption;

    @Mixin
    JsonOption jsonOption;

    public QemuHintsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (!"serial".equals(channel)) {
            throw new CliException("a QEMU guest is asked over the serial channel only: its virtio-balloon is QEMU's own device",
                    PagehintCli.EXIT_USAGE);
        }
        MachineSpec machine = machineOptions.spec(context);
        String id = vmId != null ? vmId : ramFile.getFileName().toString();
        QemuGuestConfig config = new QemuGuestConfig(id, machine, ramFile, qmp);
        BitmapTightener tightener = context.await(BitmapTightener.class, "(&(" + BitmapTightener.ARCH + "=" + machine.arch() + ")("
                + BitmapTightener.MACHINES + "=" + MachineOptions.escape(machine.machine()) + "))", "tightener for " + machine.machine());
        HintChannel hintChannel = new HintChannel(HintChannel.Kind.SERIAL, channelSocket,
                Map.of("hello.timeout.ms", Long.toString(bootTimeout.toMillis())));
        try (GuestAttachment guest = GuestAttachment.attach(context, id, QemuGuestConfig.ADAPTER_FACTORY_PID,
                config.adapterConfiguration(), config.describe(), hintChannel, bootTimeout)) {
            HintCheck.Result result = HintCheck.run(guest.vm(), guest.hints(), tightener, dropCacheOption.dropCache(), timeout);
            try {
                CheckReport report = new CheckReport(result, machine.machine());
                if (jsonOption.json()) {
                    Json.print(report.toJson(), context.out());
                } else {
                    report.printText(context.out());
                }
            } finally {
                if (result.stopped() && !leaveStopped) {
                    guest.vm().control().resume();
                }
            }
            return result.stopped() ? 0 : 1;
        } catch (HintException e) {
            throw new CliException("the guest's serial channel failed: " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
    }
}
