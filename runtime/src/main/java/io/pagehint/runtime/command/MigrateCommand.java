package io.pagehint.runtime.command;

import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.runtime.cli.ByteSizeConverter;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.GuestAttachment;
import io.pagehint.runtime.migration.HintChannel;
import io.pagehint.runtime.migration.HostPort;
import io.pagehint.runtime.migration.ProgressLine;
import io.pagehint.runtime.migration.ReportJson;
import io.pagehint.runtime.migration.ReportText;
import io.pagehint.runtime.process.GuestFiles;
import io.pagehint.runtime.process.GuestOptions;
import io.pagehint.runtime.qemu.QemuGuestConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint migrate}: migrates a running reference guest to a destination. Attaches the
 * guest (its host adapter and, unless {@code --channel none}, the host end of its hint channel),
 * migrates, prints the report. Ctrl-C cancels: the runtime stops, the engine cancels, and the
 * guest is resumed.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Migrates a running reference guest to a destination, skipping the pages it hints free.")
public final class MigrateCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--to", required = true, paramLabel = "<host:port>", description = "The destination (pagehint receive).")
    String to;

    @Mixin
    GuestOptions guestOptions;

    @Option(names = "--qemu-qmp", paramLabel = "<socket>",
            description = "Names a QEMU guest (with --ram-file and its machine) instead of a reference guest: refused, since QEMU "
                    + "gives no dirty log to an outside process (ask it for hints with qemu-hints).")
    Path qemuQmp;

    @Option(names = "--channel", paramLabel = "serial|virtio|none", defaultValue = "serial",
            description = "The hint channel (default: ${DEFAULT-VALUE}); none migrates without hints.")
    String channel;

    @Option(names = "--channel-socket", paramLabel = "<socket>",
            description = "Where the host end of the channel listens; the guest's driver connects there (required unless --channel none).")
    Path channelSocket;

    @Option(names = "--channel-option", paramLabel = "<name=value>",
            description = "A configuration property of the channel's host end (queue.size=256, ...); repeatable.")
    java.util.Map<String, String> channelOptions = new java.util.LinkedHashMap<>();

    @Option(names = "--downtime", paramLabel = "<duration>", converter = Durations.class, defaultValue = "300ms",
            description = "Downtime limit (default: ${DEFAULT-VALUE}).")
    Duration downtime;

    @Option(names = "--bandwidth", paramLabel = "<bytes/s>", converter = ByteSizeConverter.class, defaultValue = "0",
            description = "Bandwidth limit in bytes a second, e.g. 1G (default: none).")
    long bandwidth;

    @Option(names = "--max-rounds", paramLabel = "<n>", defaultValue = "30", description = "Round limit (default: ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--no-auto-converge", description = "Never throttle the guest's vCPUs.")
    boolean noAutoConverge;

    @Option(names = "--drop-cache", description = "Ask the guest to drop its clean page cache before hinting.")
    boolean dropCache;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    public MigrateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (qemuQmp != null) {
            return refuseQemuGuest();
        }
        InetSocketAddress destination;
        HintChannel hintChannel;
        GuestFiles files = guestOptions.files(context);
        try {
            destination = HostPort.parse(to);
            HintChannel.Kind kind = HintChannel.Kind.of(channel);
            if (kind != null && channelSocket == null) {
                throw new IllegalArgumentException("--channel " + channel + " needs --channel-socket");
            }
            hintChannel = kind == null ? null : new HintChannel(kind, channelSocket, channelOptions);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
        MigrationOptions options = MigrationOptions.builder().downtimeLimit(downtime).bandwidthLimit(bandwidth)
                .maxRounds(maxRounds).autoConverge(!noAutoConverge).dropPageCache(dropCache)
                .useHints(hintChannel != null)
                .hintTransport(hintChannel == null ? null : hintChannel.kind().transport()).build();
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        try (GuestAttachment guest = GuestAttachment.attach(context, files, hintChannel)) {
            Migration m = migrate(engine, guest, destination, options,
                    json ? null : new ProgressLine(context.err(), System.console() != null));
            MigrationReport report = m.await(Duration.ofDays(1));
            if (json) {
                Json.print(ReportJson.of(report), context.out());
            } else {
                ReportText.print(report, context.out());
            }
            return report.succeeded() ? 0 : 1;
        }
    }

    /**
     * A QEMU guest goes to the engine like any other, and the engine refuses it before it starts
     * anything (it has no dirty log): the one line the engine gives is the command's answer.
     */
    private int refuseQemuGuest() {
        InetSocketAddress destination;
        try {
            destination = HostPort.parse(to);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
        io.pagehint.api.memory.MachineSpec machine = guestOptions.machine(context);
        String id = guestOptions.vmId() != null ? guestOptions.vmId() : guestOptions.ramFile().getFileName().toString();
        QemuGuestConfig config = new QemuGuestConfig(id, machine, guestOptions.ramFile(), qemuQmp);
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        try (GuestAttachment guest = GuestAttachment.attach(context, id, QemuGuestConfig.ADAPTER_FACTORY_PID,
                config.adapterConfiguration(), config.describe(), null, null)) {
            migrate(engine, guest, destination, MigrationOptions.defaults(), null).cancel();
            throw new CliException("the engine accepted a QEMU guest it cannot migrate; cancelled");
        }
    }

    private static Migration migrate(MigrationService engine, GuestAttachment guest, InetSocketAddress destination,
                                     MigrationOptions options, io.pagehint.api.migration.MigrationListener listener) {
        try {
            return engine.migrate(guest.vm(), destination, options, listener);
        } catch (IllegalArgumentException e) {
            // the engine refused the guest (VirtualMachine.migrationRefusal): nothing was started
            throw new CliException(e.getMessage());
        }
    }
}
