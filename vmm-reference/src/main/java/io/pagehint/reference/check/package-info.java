/**
 * The check a destination runs on a received reference guest's RAM. The adapters here know the
 * RAM file, not the guest kernel's data structures; the guest bundle, which does, offers the check
 * as a service. Exported for the guest bundle.
 */
@Export
@Version("1.0.0")
package io.pagehint.reference.check;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
