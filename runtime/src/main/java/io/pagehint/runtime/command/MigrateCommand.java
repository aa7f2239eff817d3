package io.pagehint.runtime.command;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.migration.Migration;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.vm.VirtualMachine;
import io.pagehint.runtime.cli.ByteSizeConverter;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.DropCacheOption;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.JsonOption;
import io.pagehint.runtime.cli.MachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.cli.TlsCredentialsOption;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.GuestAttachment;
import io.pagehint.runtime.migration.GuestMigrationLock;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pagehint migrate}: migrates a running guest to a destination. Given the reference guest's
 * files, attaches it for the migration (its host adapter and, unless {@code --channel none}, the host
 * end of its hint channel) and detaches it after; given {@code --vm <id>}, migrates the guest whose
 * {@code VirtualMachine} (and hint channel) an operator or a VMM configured already, touching no
 * configuration. Prints the report. Ctrl-C (or SIGTERM) cancels: the destination gets CANCEL, the
 * guest is resumed, and the report says the migration was cancelled. A guest is migrated by one
 * {@code migrate} at a time, across processes too ({@link GuestMigrationLock}).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Migrates a running guest to a destination, skipping the pages it hints free.")
public final class MigrateCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--to", required = true, paramLabel = "<host:port>", description = "The destination (pagehint receive).")
    String to;

    @Mixin
    GuestOptions guestOptions;

    @Option(names = "--vm", paramLabel = "<id>",
            description = "Migrate the guest whose VirtualMachine service has this vm.id, as Configuration Admin configured it "
                    + "(e.g. etc/io.pagehint.guest.vm-<name>.cfg in Karaf), with its configured hint channel; instead of the guest's files.")
    String vm;

    @Spec
    CommandSpec spec;

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

    @Option(names = "--stall-timeout", paramLabel = "<duration>", converter = Durations.class, defaultValue = "30s",
            description = "Give up (and resume the guest) when the destination accepts nothing for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = "--result-timeout", paramLabel = "<duration>", converter = Durations.class, defaultValue = "120s",
            description = "Give up (and resume the guest) when the destination's check has not answered this long after the last page (default: ${DEFAULT-VALUE}).")
    Duration resultTimeout;

    @Option(names = "--streams", paramLabel = "<n>", defaultValue = "1",
            description = "Connections that carry the pages, each sent by its own thread (default: ${DEFAULT-VALUE}, at most 16).")
    int streams;

    @Mixin
    DropCacheOption dropCacheOption;

    @Mixin
    JsonOption jsonOption;

    @Mixin
    TlsCredentialsOption tlsCredentials;

    public MigrateCommand(CliContext context) {
        this.context = context;
    }

    /** How long a migration may take to wind down after a signal cancelled it (CANCEL sent, guest resumed). */
    static final Duration WIND_DOWN = Duration.ofSeconds(10);

    /** Cancels {@code m} on a signal and waits for its report, which says it was cancelled. */
    static MigrationReport cancelled(Migration m) {
        m.cancel();
        try {
            return m.await(WIND_DOWN);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new CliException("migration " + m.id() + " was cancelled and did not end within " + WIND_DOWN.toSeconds() + " s");
        }
    }

    @Override
    public Integer call() throws Exception {
        // every argument is checked before anything is configured: a wrong one costs one line, no wait
        if (maxRounds < 1) {
            throw new CliException("--max-rounds must be at least 1, not " + maxRounds, PagehintCli.EXIT_USAGE);
        }
        if (streams < 1 || streams > MigrationOptions.MAX_STREAMS) {
            throw new CliException("--streams must be 1.." + MigrationOptions.MAX_STREAMS + ", not " + streams,
                    PagehintCli.EXIT_USAGE);
        }
        tlsCredentials.folder("client");
        if (vm != null) {
            return migrateConfigured();
        }
        if (qemuQmp != null) {
            return refuseQemuGuest();
        }
        InetSocketAddress destination = CliException.usageIfIllegal(() -> HostPort.parse(to));
        HintChannel hintChannel = CliException.usageIfIllegal(() -> {
            HintChannel.Kind kind = HintChannel.Kind.of(channel);
            if (kind != null && channelSocket == null) {
                throw new IllegalArgumentException("--channel " + channel + " needs --channel-socket");
            }
            return kind == null ? null : new HintChannel(kind, channelSocket, channelOptions);
        });
        MigrationOptions options = CliException.usageIfIllegal(
                () -> options(hintChannel != null, hintChannel == null ? null : hintChannel.kind().transport()));
        GuestFiles files = guestOptions.files(context);
        // before attaching anything: a second attachment of the guest's channel would disturb the first migration
        try (GuestMigrationLock lock = GuestMigrationLock.acquire(files.ramFile());
             GuestAttachment guest = GuestAttachment.attachHintsIfThere(context, files, hintChannel)) {
            if (!guest.whyNoHints().isEmpty()) {
                context.err().println(guest.whyNoHints() + "; migrating without hints");
                context.err().flush();
            }
            return migrate(guest.vm(), destination, options);
        }
    }

    /** {@code --vm}: the guest and its channel are configured already; nothing here configures or removes anything. */
    private int migrateConfigured() throws Exception {
        if (guestOptions.given() || channelSocket != null || !channelOptions.isEmpty()) {
            throw new CliException("--vm names a configured guest: give no guest files, --vm-id, --channel-socket "
                    + "or --channel-option with it", PagehintCli.EXIT_USAGE);
        }
        InetSocketAddress destination = CliException.usageIfIllegal(() -> HostPort.parse(to));
        HintChannel.Kind kind = CliException.usageIfIllegal(() -> HintChannel.Kind.of(channel));
        // the guest's configured channel, whichever it is, unless --channel says which (or none)
        boolean channelGiven = spec.commandLine().getParseResult().hasMatchedOption("--channel");
        MigrationOptions options = CliException.usageIfIllegal(
                () -> options(kind != null || !channelGiven, channelGiven && kind != null ? kind.transport() : null));
        VirtualMachine guest = context.await(VirtualMachine.class, "(" + VirtualMachine.VM_ID + "=" + MachineOptions.escape(vm) + ")",
                "guest " + vm + " (is a VirtualMachine with vm.id=" + vm + " configured?)");
        return migrate(guest, destination, options);
    }

    private MigrationOptions options(boolean useHints, String transport) {
        return MigrationOptions.builder().downtimeLimit(downtime).bandwidthLimit(bandwidth)
                .maxRounds(maxRounds).autoConverge(!noAutoConverge).dropPageCache(dropCacheOption.dropCache())
                .stallTimeout(stallTimeout).resultTimeout(resultTimeout)
                .tlsCredentials(tlsCredentials.folder("client")).streams(streams)
                .useHints(useHints).hintTransport(transport).build();
    }

    private int migrate(VirtualMachine guest, InetSocketAddress destination, MigrationOptions options) throws Exception {
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        Migration m;
        try {
            m = engine.migrate(guest, destination, options,
                    jsonOption.json() ? null : new ProgressLine(context.err(), System.console() != null));
        } catch (IllegalStateException | IllegalArgumentException refused) {
            // the engine refused the guest (already migrating; VirtualMachine.migrationRefusal): nothing was started
            throw new CliException(refused.getMessage());
        }
        MigrationReport report;
        try {
            report = m.await(Duration.ofDays(1));
        } catch (InterruptedException signal) {
            // SIGINT or SIGTERM: the launcher interrupts the command before it stops the runtime
            report = cancelled(m);
        }
        if (jsonOption.json()) {
            Json.print(ReportJson.of(report), context.out());
        } else {
            ReportText.print(report, context.out());
        }
        return report.succeeded() ? 0 : 1;
    }

    /**
     * A QEMU guest goes to the engine like any other, and the engine refuses it before it starts
     * anything (it has no dirty log): the one line the engine gives is the command's answer.
     */
    private int refuseQemuGuest() throws Exception {
        InetSocketAddress destination = CliException.usageIfIllegal(() -> HostPort.parse(to));
        MachineSpec machine = guestOptions.machine(context);
        String id = guestOptions.vmId() != null ? guestOptions.vmId() : guestOptions.ramFile().getFileName().toString();
        QemuGuestConfig config = new QemuGuestConfig(id, machine, guestOptions.ramFile(), qemuQmp);
        try (GuestAttachment guest = GuestAttachment.attach(context, id, QemuGuestConfig.ADAPTER_FACTORY_PID,
                config.adapterConfiguration(), config.describe(), null, null)) {
            MigrationService engine = context.await(MigrationService.class, null, "migration engine");
            try {
                engine.migrate(guest.vm(), destination, MigrationOptions.defaults(), null).cancel();
            } catch (IllegalArgumentException refused) {
                // the engine refused the guest (VirtualMachine.migrationRefusal): nothing was started
                throw new CliException(refused.getMessage());
            }
            throw new CliException("the engine accepted a QEMU guest it cannot migrate; cancelled");
        }
    }
}
