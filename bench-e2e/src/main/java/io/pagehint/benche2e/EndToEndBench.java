package io.pagehint.benche2e;

import io.pagehint.api.migration.MigrationService;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The end-to-end benchmark (docs/PERFORMANCE.md): per scenario and channel, pairs of real
 * three-process migrations, legacy then hinted on an identical guest; the machine's physical limits
 * measured in the same run; medians, ratios and the targets of issue 7. Registered by the
 * {@code io.pagehint.benche2e} bundle, which is the only one that carries the chart library.
 */
public interface EndToEndBench {

    /**
     * Checks the options' values before anything starts.
     *
     * @throws IllegalArgumentException with one line a user can act on
     */
    void check(BenchOptions options);

    /**
     * Runs the benchmark: this runtime is the source ({@code engine}); guests and destinations are
     * processes started through {@code lab}. Progress goes to {@code err} line by line.
     *
     * @throws IllegalArgumentException when {@link #check} would have refused the options
     */
    BenchOutcome run(BenchOptions options, MigrationService engine, MigrationLab lab, PrintWriter err)
            throws IOException, InterruptedException;
}
