/**
 * The end-to-end benchmark as a service, for the command that runs it ({@code pagehint bench}):
 * {@link io.pagehint.benche2e.EndToEndBench} runs it with the user's {@link io.pagehint.benche2e.BenchOptions}
 * in a {@link io.pagehint.benche2e.MigrationLab} the command provides (the processes it starts and
 * attaches), and returns a {@link io.pagehint.benche2e.BenchOutcome}. Not a migration contract,
 * so not in {@code io.pagehint.api}: only the runtime's command uses it.
 */
@Export
@Version("1.0.0")
package io.pagehint.benche2e;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
