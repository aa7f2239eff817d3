/** Guest memory: layouts (RAM blocks, ranges, reserved areas, the page runs of RAM and of usable RAM), machine specs and the sizes in their options, layout providers, and the guest's memory info (API 7a). */
@Export
@Version("1.3.0")
package io.pagehint.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
