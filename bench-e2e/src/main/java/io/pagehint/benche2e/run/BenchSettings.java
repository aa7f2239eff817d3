package io.pagehint.benche2e.run;

import io.pagehint.api.memory.MachineSpec;
import io.pagehint.api.migration.MigrationOptions;
import io.pagehint.benche2e.BenchOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code pagehint bench} invocation runs.
 *
 * @param machine       the guests' machine
 * @param scenarios     the scenarios, in the order they run
 * @param channels      the channels of the hinted runs of guests booted without init-on-alloc, by command-line name
 * @param allChannels   every channel: the init-on-alloc runs use each
 * @param initOnAllocToo also run every scenario with guests booted init-on-alloc, over both channels
 * @param repeat        pairs (legacy, hinted) per scenario and channel
 * @param vcpus         vCPUs per guest
 * @param seed          the workloads' seed: the two guests of a pair do the same
 * @param churnRate     the churn workload's operations a second for the whole guest (0: as fast as it can)
 * @param warmUp        first run one unrecorded idle pair of the same size, so the source's JIT is warm for the first measured run
 * @param workDir       where guest RAM files go (tmpfs)
 * @param childJvmArgs  JVM options for the guest and destination processes (a profiler, say)
 * @param transports    how the migrations travel (plain or TLS, streams): each scenario and channel runs over each
 */
public record BenchSettings(MachineSpec machine, List<Scenario> scenarios, List<String> channels,
                            List<String> allChannels, boolean initOnAllocToo, int repeat, int vcpus, long seed, int churnRate, boolean warmUp,
                            Path workDir, List<String> childJvmArgs, List<Transport> transports) {

    public BenchSettings {
        transports = transports == null || transports.isEmpty() ? List.of(Transport.PLAIN) : List.copyOf(transports);
        scenarios = List.copyOf(scenarios);
        channels = List.copyOf(channels);
        allChannels = List.copyOf(allChannels);
        childJvmArgs = List.copyOf(childJvmArgs);
        if (scenarios.isEmpty() || channels.isEmpty() || repeat < 1 || vcpus < 1) {
            throw new IllegalArgumentException("a benchmark needs a scenario, a channel, a repetition and a vCPU");
        }
    }

    /**
     * The settings of {@code o}: scenario names, the TLS choice and stream counts parsed.
     *
     * @throws IllegalArgumentException with one line naming the option that is wrong
     */
    public static BenchSettings of(BenchOptions o) {
        List<Boolean> tlsModes = switch (o.tls()) {
            case "no" -> List.of(false);
            case "yes" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--tls is no, yes or both, not " + o.tls());
        };
        List<Transport> transports = new ArrayList<>();
        for (int n : o.streams()) {
            if (n < 1 || n > MigrationOptions.MAX_STREAMS) {
                throw new IllegalArgumentException("--streams takes counts of 1.." + MigrationOptions.MAX_STREAMS);
            }
            for (boolean t : tlsModes) {
                transports.add(new Transport(t, n));
            }
        }
        return new BenchSettings(o.machine(), o.scenarios().stream().map(Scenario::of).toList(), o.channels(),
                o.allChannels(), o.initOnAllocToo(), o.repeat(), o.vcpus(), o.seed(), o.churnRate(), o.warmUp(),
                o.workDir(), o.childJvmArgs(), transports);
    }

    /** Whether any cell goes over TLS: then the bench makes a credentials folder. */
    public boolean anyTls() {
        return transports.stream().anyMatch(Transport::tls);
    }

    /** The stream counts of the transports, for the pipeline limit. */
    public List<Integer> streamCounts() {
        return transports.stream().map(Transport::streams).distinct().sorted().toList();
    }

    /** Every cell, in the order they run: per scenario, the chosen channels, then init-on-alloc over both. */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (Transport t : transports) {
                for (String k : channels) {
                    cells.add(new Cell(s, k, false, t));
                }
            }
            if (initOnAllocToo) {
                for (String k : allChannels) {
                    cells.add(new Cell(s, k, true));
                }
            }
        }
        return cells;
    }
}
