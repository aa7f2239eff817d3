/** A QEMU guest's RAM read from its shared memory-backend-file. */
@Export
@Version("1.0.0")
package io.pagehint.qemu.ram;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
