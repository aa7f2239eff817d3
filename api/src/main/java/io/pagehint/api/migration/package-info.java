/** The migration engine API: start and receive migrations, options, progress events, reports. */
@Export
@Version("1.2.0")
package io.pagehint.api.migration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
