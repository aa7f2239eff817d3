package io.pagehint.runtime.command;

import io.pagehint.api.migration.MigrationService;
import io.pagehint.benche2e.BenchOptions;
import io.pagehint.benche2e.BenchOutcome;
import io.pagehint.benche2e.EndToEndBench;
import io.pagehint.runtime.cli.CliContext;
import io.pagehint.runtime.cli.CliException;
import io.pagehint.runtime.format.Json;
import io.pagehint.runtime.migration.HintChannel;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One {@code pagehint bench} run through the benchmark's service: the only class of the runtime
 * that names the {@code io.pagehint.benche2e} API, whose import is optional: the JVM loads that
 * API's types as soon as it loads this class, so {@link BenchCommand} loads it only once it has
 * seen the package wired.
 */
final class BenchRun {

    private BenchRun() {
    }

    static int run(BenchCommand c, CliContext context) throws Exception {
        EndToEndBench bench = context.await(EndToEndBench.class, null, "end-to-end benchmark");
        BenchOptions options = CliException.usageIfIllegal(() -> {
            c.channels.forEach(HintChannel.Kind::hinting);
            BenchOptions o = new BenchOptions(c.machine.spec(context), c.scenarios, c.channels,
                    Arrays.stream(HintChannel.Kind.values()).map(HintChannel.Kind::cliName).toList(), c.initOnAllocToo,
                    c.repeat, c.vcpus, c.seed, c.churnRate, c.churnWarmUp, !c.noWarmUp, c.tls, c.streams, c.workFolder.dir(),
                    c.childJvmOptions);
            bench.check(o);
            return o;
        });
        MigrationService engine = context.await(MigrationService.class, null, "migration engine");
        Path work = c.workFolder.create("pagehint-bench-");
        try {
            context.err().println("work folder " + work);
            BenchOutcome outcome = bench.run(options, engine, new BenchLab(context, work), context.err());
            outcome.printTable(context.out());
            if (c.json != null) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(c.json, StandardCharsets.UTF_8))) {
                    Json.print(outcome.json(), w);
                }
                context.err().println("wrote " + c.json);
            }
            if (c.chart != null) {
                outcome.writeChart(c.chart);
                context.err().println("wrote " + c.chart);
            }
            return outcome.allSucceeded() ? 0 : 1;
        } finally {
            c.workFolder.finish(context, work);
        }
    }
}
