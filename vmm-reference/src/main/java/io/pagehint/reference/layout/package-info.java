/**
 * A machine's layout in a runtime: the bound {@code LayoutProvider}s found by arch and machine
 * type, and the grammar of a machine option. Exported for the guest bundle, whose process and
 * commands resolve layouts the same way as the host adapters here.
 */
@Export
@Version("1.0.0")
package io.pagehint.reference.layout;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
