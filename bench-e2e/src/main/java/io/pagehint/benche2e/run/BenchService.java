package io.pagehint.benche2e.run;

import io.pagehint.api.migration.MigrationService;
import io.pagehint.benche2e.BenchOptions;
import io.pagehint.benche2e.BenchOutcome;
import io.pagehint.benche2e.EndToEndBench;
import io.pagehint.benche2e.MigrationLab;
import java.io.IOException;
import java.io.PrintWriter;
import org.osgi.service.component.annotations.Component;

/** The benchmark as the service {@code pagehint bench} finds: stateless, one {@link Bench} a run. */
@Component(service = EndToEndBench.class)
public final class BenchService implements EndToEndBench {

    @Override
    public void check(BenchOptions options) {
        BenchSettings.of(options);
    }

    @Override
    public BenchOutcome run(BenchOptions options, MigrationService engine, MigrationLab lab, PrintWriter err)
            throws IOException, InterruptedException {
        return new Bench(lab, err, engine, BenchSettings.of(options), options.churnWarmUp()).run();
    }
}
