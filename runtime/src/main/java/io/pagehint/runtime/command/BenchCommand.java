package io.pagehint.runtime.command;

import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.cli.Durations;
import io.pagehint.runtime.cli.GuestMachineOptions;
import io.pagehint.runtime.cli.ProcessOnly;
import io.pagehint.runtime.cli.WorkFolderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagehint bench}: the published experiments, reproduced side by side on this machine. Real
 * three-process migrations over loopback TCP, legacy and hinted alternating in pairs per scenario
 * and channel; the physical limits measured in the same run; a table of medians and ratios, the
 * targets of issue 7, a JSON file with every run and a PNG chart. docs/PERFORMANCE.md shows one.
 *
 * <p>The benchmark itself is the {@code io.pagehint.benche2e} bundle's service, so a runtime without
 * it (and its chart library) still has every other command; this class declares the options only
 * and names no type of that bundle, so picocli can read it when the bundle is absent ({@link BenchRun}
 * does the run).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Migrates guests in the published experiments' states without and with hints, in pairs, "
                + "and reports medians, ratios, the machine's limits and the targets.")
public final class BenchCommand implements Callable<Integer>, ProcessOnly {

    /** The bundle that registers the benchmark, and the API package this bundle imports from it, optionally. */
    private static final String BENCH_BUNDLE = "io.pagehint.benche2e";
    private static final String BENCH_API = "io.pagehint.benche2e";

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

    @Mixin
    WorkFolderOptions workFolder;

    public BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (!benchmarkWired()) {
            throw new CliException("pagehint bench needs the end-to-end benchmark (bundle " + BENCH_BUNDLE
                    + "), which this runtime does not have");
        }
        return BenchRun.run(this, context);
    }

    /** Whether this bundle's optional import of the benchmark's API is wired, i.e. its bundle is there. */
    private boolean benchmarkWired() {
        BundleWiring wiring = context.bundleContext().getBundle().adapt(BundleWiring.class);
        return wiring != null && wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .anyMatch(w -> BENCH_API.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)));
    }
}
