/**
 * Starting and driving pagehint processes from a host: a reference guest ({@code pagehint guest})
 * and a destination ({@code pagehint receive}), run from the same pagehint.jar as this runtime.
 * Exported for tools and tests that orchestrate migrations across processes (the demo, the
 * benchmark, the integration tests).
 */
@Export
@Version("1.0.0")
package io.pagehint.runtime.process;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
