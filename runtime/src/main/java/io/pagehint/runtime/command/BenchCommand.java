package io.pagehint.runtime.command;

import io.pagehint.api.migration.MigrationService;
import io.pagehint.runtime.bench.Bench;
import io.pagehint.runtime.bench.BenchSettings;
import io.pagehint.runtime.bench.Scenario;
import io.pagehint.runtime.bench.Transport;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.GuestMachineOptions;
import io.pagehint.runtime.cli.PagehintCli;
import io.pagehint.runtime.cli.ProcessOnly;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.HintChannel;
import io.pagehint.runtime.process.WorkFolder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint bench}: the published experiments, reproduced side by side on this machine. Real
 * three-process migrations over loopback TCP, legacy and hinted alternating in pairs per scenario
 * and channel; the physical limits measured in the same run; a table of medians and ratios, the
 * targets of issue 7, a JSON file with every run and a PNG chart. docs/PERFORMANCE.md shows one.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Migrates guests in the published experiments' states without and with hints, in pairs, "
                + "and reports medians, ratios, the machine's limits and the targets.")
public final class BenchCommand implements Callable<Integer>, ProcessOnly {

    private final CliContext context;

    @Mixin
    GuestMachineOptions machine;

    @Option(names = "--scenarios", split = ",", paramLabel = "<name>", defaultValue = "idle,used-then-freed,churn,page-cache",
            description = "Scenarios, comma-separated: idle, used-then-freed, churn, page-cache (default: all).")
    List<String> scenarios;

    @Option(names = "--channels", split = ",", paramLabel = "serial|virtio", defaultValue = "serial",
            description = "Channels of the hinted runs, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> channels;

    @Option(names = "--init-on-alloc-too",
            description = "Also run every scenario with guests booted init-on-alloc, over both channels.")
    boolean initOnAllocToo;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "<n>", description = "Pairs per scenario and channel (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--vcpus", defaultValue = "2", paramLabel = "<n>", description = "vCPUs per guest (default: ${DEFAULT-VALUE}).")
    int vcpus;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "<n>", description = "The workloads' seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--churn-rate", defaultValue = "20000", paramLabel = "<ops/s>",
            description = "The churn workload's operations a second, whole guest; 0 for as fast as it can (default: ${DEFAULT-VALUE}).")
    int churnRate;

    @Option(names = "--churn-warm-up", defaultValue = "5s", converter = Durations.class, paramLabel = "<duration>",
            description = "How long churn runs before it is migrated (default: ${DEFAULT-VALUE}).")
    Duration churnWarmUp;

    @Option(names = "--no-warm-up", description = "Skip the unrecorded small pair that warms the source up.")
    boolean noWarmUp;

    @Option(names = "--child-jvm-option", paramLabel = "<option>",
            description = "A JVM option for the guest and destination processes (e.g. -XX:StartFlightRecording=...); repeatable.")
    List<String> childJvmOptions = new ArrayList<>();

    @Option(names = "--tls", paramLabel = "no|yes|both", defaultValue = "no",
            description = "Migrate over TLS 1.3 (mutual X.509, credentials made for the run): no, yes, or both side by side (default: ${DEFAULT-VALUE}).")
    String tls;

    @Option(names = "--streams", split = ",", paramLabel = "<n>", defaultValue = "1",
            description = "Stream counts, comma-separated, e.g. 1,2; each is run, and the pipeline limit is measured at each (default: ${DEFAULT-VALUE}).")
    List<Integer> streams;

    @Option(names = "--json", paramLabel = "<file>", description = "Write every run, the medians and the targets as JSON.")
    Path json;

    @Option(names = "--chart", paramLabel = "<file.png>", description = "Draw legacy beside hinted per scenario, and bytes per round, as a PNG.")
    Path chart;

    @Option(names = "--dir", defaultValue = "/dev/shm", paramLabel = "<dir>",
            description = "Where the guests' RAM files go; tmpfs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--keep", description = "Keep the work folder's logs instead of deleting them (RAM files are always deleted).")
    boolean keep;

    public BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            List<HintChannel.Kind> kinds = channels.stream().map(HintChannel.Kind::hinting).toList();
            List<Boolean> tlsModes = switch (tls) {
                case "no" -> List.of(false);
                case "yes" -> List.of(true);
                case "both" -> List.of(false, true);
                default -> throw new IllegalArgumentException("--tls is no, yes or both, not " + tls);
            };
            List<Transport> transports = new ArrayList<>();
            for (int n : streams) {
                if (n < 1 || n > io.pagehint.api.migration.MigrationOptions.MAX_STREAMS) {
                    throw new IllegalArgumentException("--streams takes counts of 1.." + io.pagehint.api.migration.MigrationOptions.MAX_STREAMS);
                }
                for (boolean t : tlsModes) {
                    transports.add(new Transport(t, n));
                }
            }
            settings = new BenchSettings(machine.spec(context),
                    scenarios.stream().map(Scenario::of).toList(), kinds, initOnAllocToo, repeat, vcpus, seed,
                    churnRate, !noWarmUp, dir, childJvmOptions, transports);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PagehintCli.EXIT_USAGE);
        }
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        Path work = WorkFolder.create(dir, "pagehint-bench-");
        try {
            context.err().println("work folder " + work);
            Bench.Outcome outcome = new Bench(context, engine, settings, churnWarmUp).run(work);
            outcome.printTable(context.out());
            if (json != null) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(json, StandardCharsets.UTF_8))) {
                    Json.print(outcome.json(), w);
                }
                context.err().println("wrote " + json);
            }
            if (chart != null) {
                outcome.writeChart(chart);
                context.err().println("wrote " + chart);
            }
            return outcome.allSucceeded() ? 0 : 1;
        } finally {
            if (keep) {
                context.err().println("kept " + work);
            } else {
                WorkFolder.delete(work);
            }
        }
    }
}
