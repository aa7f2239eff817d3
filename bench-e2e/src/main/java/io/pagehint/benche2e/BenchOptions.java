package io.pagehint.benche2e;

import io.pagehint.api.memory.MachineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A benchmark run as the user asked for it, values as {@code pagehint bench} takes them;
 * {@link EndToEndBench#check} says which are wrong.
 *
 * @param machine        the guests' machine
 * @param scenarios      scenario names, in the order they run: idle, used-then-freed, churn, page-cache
 * @param channels       the hint channels of the hinted runs, by their command-line names (serial, virtio)
 * @param allChannels    every hint channel the lab can attach: the init-on-alloc runs use each
 * @param initOnAllocToo also run every scenario with guests booted init-on-alloc, over every channel
 * @param repeat         pairs (legacy, hinted) per scenario and channel
 * @param vcpus          vCPUs per guest
 * @param seed           the workloads' seed: the two guests of a pair do the same
 * @param churnRate      the churn workload's operations a second for the whole guest (0: as fast as it can)
 * @param churnWarmUp    how long churn runs before it is migrated
 * @param warmUp         first run unrecorded idle migrations of the same size, so the source's JIT is warm
 * @param tls            no, yes or both
 * @param streams        the stream counts to run each cell with
 * @param workDir        where guest RAM files go (tmpfs)
 * @param childJvmArgs   JVM options for the guest and destination processes (a profiler, say)
 */
public record BenchOptions(MachineSpec machine, List<String> scenarios, List<String> channels, List<String> allChannels,
                           boolean initOnAllocToo, int repeat, int vcpus, long seed, int churnRate, Duration churnWarmUp,
                           boolean warmUp, String tls, List<Integer> streams, Path workDir, List<String> childJvmArgs) {

    public BenchOptions {
        scenarios = List.copyOf(scenarios);
        channels = List.copyOf(channels);
        allChannels = List.copyOf(allChannels);
        streams = List.copyOf(streams);
        childJvmArgs = List.copyOf(childJvmArgs);
    }
}
