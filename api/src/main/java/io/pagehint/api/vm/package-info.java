/** What a VMM offers for a guest: RAM views, dirty log, vCPU control, device memory; and the destination's incoming VM. */
@Export
@Version("1.2.0")
package io.pagehint.api.vm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
