package io.pagehint.runtime.command;

import io.pagehint.api.migration.IncomingMigration;
import io.pagehint.api.migration.MigrationReport;
import io.pagehint.api.migration.MigrationService;
import io.pagehint.api.migration.ReceiveOptions;
import io.pagehint.api.vm.IncomingVm;
import io.pagehint.api.vm.VmProvisioner;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.JsonOption;
import io.pagehint.runtime.cli.MachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.cli.ProcessOnly;
import io.pagehint.runtime.cli.TlsCredentialsOption;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.HostPort;
import io.pagehint.runtime.migration.ProgressLine;
import io.pagehint.runtime.migration.ReportJson;
import io.pagehint.runtime.migration.ReportText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint receive}: the destination of one migration. Prepares an empty guest of the
 * given machine in a new RAM file, listens, receives, has the guest checked, and exits 0 only if
 * the migration completed and the guest passed its self-check. The first line it prints on
 * stderr is {@code listening on HOST:PORT}, for scripts that asked for port 0; stdout has only the
 * report. SIGINT or SIGTERM cancels: what arrived is discarded and the report says so.
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = "Receives one migration into a new guest RAM file and checks the guest.")
public final class ReceiveCommand implements Callable<Integer>, ProcessOnly {

    private final CliContext context;

    @Option(names = "--listen", required = true, paramLabel = "<host:port>", description = "Where to listen (port 0: any free port).")
    String listen;

    @Option(names = "--ram-file", required = true, paramLabel = "<file>", description = "The guest RAM file to create (on tmpfs; must not exist).")
    Path ramFile;

    @Option(names = "--vm-id", paramLabel = "<id>", defaultValue = "incoming", description = "The guest's id here (default: ${DEFAULT-VALUE}).")
    String vmId;

    @Mixin
    MachineOptions machineOptions;

    @Option(names = "--timeout", paramLabel = "<duration>", converter = io.pagehint.runtime.cli.Durations.class, defaultValue = "1h",
            description = "Give up if no migration has ended by then (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--tls-authz", paramLabel = "<file>",
            description = "A file of the client certificate subjects to accept, one RFC 4514 DN a line (e.g. CN=src1,O=example; # comments); without it any certificate the CA signed.")
    Path tlsAuthz;

    @Option(names = "--allow-plaintext",
            description = "Listen without TLS on an address that is not loopback (refused otherwise: the stream carries the guest's whole memory).")
    boolean allowPlaintext;

    /** How long a receive that timed out waits for its cancel to clean up (RAM file removed). */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);

    @Mixin
    JsonOption jsonOption;

    @Mixin
    TlsCredentialsOption tlsCredentials;

    public ReceiveCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = CliException.usageIfIllegal(() -> HostPort.parse(listen));
        // every argument is checked before the guest's RAM file is made
        Path tlsCreds = tlsCredentials.folder("server");
        ReceiveOptions options = new ReceiveOptions(tlsCreds, subjects(), allowPlaintext);
        VmProvisioner provisioner = context.await(VmProvisioner.class, null, "VM provisioner");
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        IncomingVm vm;
        try {
            vm = provisioner.prepareIncoming(vmId, machineOptions.spec(context), Map.of("ram.file", ramFile.toString()));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot prepare the incoming guest: " + e.getMessage());
        }
        IncomingMigration in;
        ProgressLine progress = jsonOption.json() ? null : new ProgressLine(context.err(), System.console() != null);
        try {
            in = engine.receive(address, vm, options, progress);
        } catch (IOException | RuntimeException e) {
            vm.abandon();
            vm.close();
            String why = e.getMessage() != null ? e.getMessage() : String.valueOf(e);
            String hint = tlsCreds == null && !allowPlaintext && why.contains("without TLS")
                    ? " (--tls-creds DIR, or --allow-plaintext)" : "";
            throw new CliException("cannot listen on " + listen + ": " + why + hint);
        }
        // a progress line, on stderr: stdout carries the report alone (pure JSON with --json)
        context.err().println("listening on " + in.address().getHostString() + ":" + in.address().getPort());
        context.err().flush();
        MigrationReport report;
        try {
            report = in.await(timeout);
        } catch (InterruptedException signal) {
            // SIGINT or SIGTERM: the launcher interrupts the command before it stops the runtime
            report = MigrateCommand.cancelled(in);
        } catch (TimeoutException e) {
            // the cancel's own words would blame the user: say why, once
            if (progress != null) {
                progress.silence();
            }
            in.cancel();
            try {
                in.await(CANCEL_WAIT);
            } catch (TimeoutException stillGoing) {
                // the runtime's stop ends it
            }
            throw new CliException("no migration arrived and ended within " + Durations.format(timeout) + " (--timeout); gave up");
        }
        if (jsonOption.json()) {
            Json.print(ReportJson.of(report), context.out());
        } else {
            ReportText.print(report, context.out());
        }
        return report.succeeded() ? 0 : 1;
    }

    /** The subjects of --tls-authz: one DN a line; blank lines and lines starting with # are skipped. */
    private Set<String> subjects() throws CliException {
        if (tlsAuthz == null) {
            return Set.of();
        }
        if (tlsCredentials.folder("server") == null) {
            throw new CliException("--tls-authz needs --tls-creds", PagehintCli.EXIT_USAGE);
        }
        try {
            Set<String> out = new LinkedHashSet<>();
            for (String line : Files.readAllLines(tlsAuthz)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
            if (out.isEmpty()) {
                throw new CliException("--tls-authz " + tlsAuthz + " lists no subject", PagehintCli.EXIT_USAGE);
            }
            return out;
        } catch (IOException e) {
            throw new CliException("cannot read --tls-authz " + tlsAuthz + ": " + e.getMessage(), PagehintCli.EXIT_USAGE);
        }
    }
}
