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

    @Option(names = "--tls-creds", paramLabel = "<dir>",
            description = "TLS 1.3 with mutual X.509 authentication: a folder with ca-cert.pem, client-cert.pem and client-key.pem (as QEMU's).")
    Path tlsCreds;

    @Option(names = "--streams", paramLabel = "<n>", defaultValue = "1",
            description = "Connections that carry the pages, each sent by its own thread (default: ${DEFAULT-VALUE}, at most 16).")
    int streams;

    public MigrateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
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
            if (streams < 1 || streams > MigrationOptions.MAX_STREAMS) {
                throw new IllegalArgumentException("--streams must be 1.." + MigrationOptions.MAX_STREAMS);
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
        MigrationOptions options = MigrationOptions.builder().downtimeLimit(downtime).bandwidthLimit(bandwidth)
                .maxRounds(maxRounds).autoConverge(!noAutoConverge).dropPageCache(dropCache)
                .useHints(hintChannel != null)
                .hintTransport(hintChannel == null ? null : hintChannel.kind().transport())
                .tlsCredentials(tlsCreds).streams(streams).build();
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        try (GuestAttachment guest = GuestAttachment.attach(context, files, hintChannel)) {
            Migration m = engine.migrate(guest.vm(), destination, options,
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
}
